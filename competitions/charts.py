"""The score-history chart, drawn on the server as SVG: no script, prints as it shows."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

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
        return mark_safe("")
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

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'class="score-history" role="img" aria-label="{escape(title)}">',
             f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" '
             f'height="{HEIGHT - TOP - BOTTOM}" fill="#fff" stroke="#dfe3ea"/>']
    for fraction in (0, 0.5, 1):
        value = v0 + pad + (v1 - v0 - 2 * pad) * fraction
        parts.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
                     f'font-size="11" fill="#5b6477">{value:.4f}</text>'
                     f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" '
                     f'y2="{y(value):.1f}" stroke="#eef1f6"/>')
    moments = ([(min(everything)[0], "middle")] if single_moment else
               [(min(everything)[0], "start"), (max(everything)[0], "end")])
    for at, anchor in moments:
        parts.append(f'<text x="{x(at):.1f}" y="{HEIGHT - 14}" text-anchor="{anchor}" '
                     f'font-size="11" fill="#5b6477">{localtime(at):%Y-%m-%d %H:%M}</text>')
    for index, line in enumerate(series):
        steps = _steps(line.best, x, y, right_edge=x(max(everything)[0]))
        parts.append(f'<polyline points="{steps}" fill="none" stroke="{line.color}" '
                     f'stroke-width="2"/>')
        parts += [f'<circle cx="{x(at):.1f}" cy="{y(value):.1f}" r="3.5" fill="{line.color}" '
                  f'fill-opacity="0.55"><title>{escape(line.name)} {value:.5f}</title></circle>'
                  for at, value in line.points]
        parts.append(f'<text x="{LEFT + 8 + index * 140}" y="{HEIGHT - 2}" font-size="11" '
                     f'fill="{line.color}">● {escape(line.name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


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
        return mark_safe("")
    top = max(count for _, count in days) or 1
    slot = (WIDTH - LEFT - RIGHT) / len(days)
    bar = max(1.0, slot * 0.8)

    def y(value: float) -> float:
        return TOP + (top - value) / top * (HEIGHT - TOP - BOTTOM)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'class="daily-bars" role="img" aria-label="{escape(title)}">',
             f'<text x="{LEFT - 6}" y="{y(top) + 4:.1f}" text-anchor="end" font-size="11" '
             f'fill="#5b6477">{top}</text>',
             f'<text x="{LEFT - 6}" y="{y(0) + 4:.1f}" text-anchor="end" font-size="11" '
             f'fill="#5b6477">0</text>']
    for index, (day, count) in enumerate(days):
        x = LEFT + index * slot + (slot - bar) / 2
        parts.append(f'<rect x="{x:.1f}" y="{y(count):.1f}" width="{bar:.1f}" '
                     f'height="{y(0) - y(count):.1f}" fill="{color}"><title>{day:%Y-%m-%d}: '
                     f'{count}</title></rect>')
    for day, anchor, x in ((days[0][0], "start", LEFT), (days[-1][0], "end", WIDTH - RIGHT)):
        parts.append(f'<text x="{x}" y="{HEIGHT - 14}" text-anchor="{anchor}" font-size="11" '
                     f'fill="#5b6477">{day:%Y-%m-%d}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
