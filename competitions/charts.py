"""The score-history and per-day charts, drawn on the server as SVG: no script, prints as
it shows. Python works out the geometry; the templates in templates/competitions/charts/
write the SVG, so every name and title is escaped by Django's auto-escaping."""

from dataclasses import dataclass
from datetime import date, datetime

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from scoring.metrics import Metric

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 36


@dataclass(frozen=True)
class Series:
    name: str
    points: list[tuple[datetime, float]]
    best: list[tuple[datetime, float]]  # best so far, one step per new best
    color: str


def best_so_far(points: list[tuple[datetime, float]], metric: Metric
                ) -> list[tuple[datetime, float]]:
    best: list[tuple[datetime, float]] = []
    for at, value in points:
        if not best or metric.better(value, best[-1][1]):
            best.append((at, value))
    return best


def score_history_svg(series: list[Series], title: str) -> SafeString:
    """A line chart: every score as a dot, the best so far as a step line."""
    everything = [point for line in series for point in line.points]
    if not everything:
        return SafeString("")
    times = [at.timestamp() for at, _ in everything]
    values = [value for _, value in everything]
    t0, t1 = min(times), max(times)
    v0, v1 = min(values), max(values)
    single_moment = t1 == t0
    if single_moment:
        t0, t1 = t0 - 3600, t1 + 3600
    if v1 == v0:
        v0, v1 = v0 - 0.05, v1 + 0.05
    pad = (v1 - v0) * 0.08
    # Scores that cannot be negative get no negative axis.
    v0, v1 = (max(0.0, v0 - pad) if min(values) >= 0 else v0 - pad), v1 + pad
    pad = 0.0 if v0 == 0 else pad

    def x(at: datetime) -> float:
        return LEFT + (at.timestamp() - t0) / (t1 - t0) * (WIDTH - LEFT - RIGHT)

    def y(value: float) -> float:
        return TOP + (v1 - value) / (v1 - v0) * (HEIGHT - TOP - BOTTOM)

    gridlines = []
    for fraction in (0, 0.5, 1):
        value = v0 + pad + (v1 - v0 - 2 * pad) * fraction
        gridlines.append({"y": _at(y(value)), "text_y": _at(y(value) + 4),
                          "label": f"{value:.4f}"})
    moments = ([(min(everything)[0], "middle")] if single_moment else
               [(min(everything)[0], "start"), (max(everything)[0], "end")])
    lines = [{"name": line.name, "color": line.color, "legend_x": LEFT + 8 + index * 140,
              "steps": _steps(line.best, x, y, right_edge=x(max(everything)[0])),
              "dots": [{"cx": _at(x(at)), "cy": _at(y(value)),
                        "title": f"{line.name} {value:.5f}"} for at, value in line.points]}
              for index, line in enumerate(series)]
    return render_to_string("competitions/charts/score_history.svg", {
        **_frame(title), "gridlines": gridlines, "lines": lines,
        "moments": [{"x": _at(x(at)), "anchor": anchor, "at": at} for at, anchor in moments]})


def _steps(best, x, y, right_edge: float) -> str:
    """The best-so-far line: flat until the next best, then up (or down)."""
    coordinates = []
    for index, (at, value) in enumerate(best):
        if index:
            coordinates.append(f"{x(at):.1f},{y(best[index - 1][1]):.1f}")
        coordinates.append(f"{x(at):.1f},{y(value):.1f}")
    coordinates.append(f"{right_edge:.1f},{y(best[-1][1]):.1f}")
    return " ".join(coordinates)


def daily_bars_svg(days: list[tuple[date, int]], title: str, color: str = "#2457d6"
                   ) -> SafeString:
    """One bar per day (submissions per day, participants active per day)."""
    if not days:
        return SafeString("")
    top = max(count for _, count in days) or 1
    slot = (WIDTH - LEFT - RIGHT) / len(days)
    bar = max(1.0, slot * 0.8)

    def y(value: float) -> float:
        return TOP + (top - value) / top * (HEIGHT - TOP - BOTTOM)

    bars = [{"x": _at(LEFT + index * slot + (slot - bar) / 2), "y": _at(y(count)),
             "height": _at(y(0) - y(count)), "day": day, "count": count}
            for index, (day, count) in enumerate(days)]
    return render_to_string("competitions/charts/daily_bars.svg", {
        **_frame(title), "color": color, "bars": bars, "bar_width": _at(bar), "top": top,
        "top_y": _at(y(top) + 4), "zero_y": _at(y(0) + 4),
        "first_day": days[0][0], "last_day": days[-1][0]})


def _frame(title: str) -> dict:
    """What every chart's template needs: its size, the plotting area and its title."""
    return {"title": title, "width": WIDTH, "height": HEIGHT, "left": LEFT, "top": TOP,
            "right_x": WIDTH - RIGHT, "plot_width": WIDTH - LEFT - RIGHT,
            "plot_height": HEIGHT - TOP - BOTTOM, "label_x": LEFT - 6,
            "date_y": HEIGHT - 14, "legend_y": HEIGHT - 2}


def _at(coordinate: float) -> str:
    """A coordinate as the SVG gets it: one decimal, whatever the reader's locale."""
    return f"{coordinate:.1f}"
