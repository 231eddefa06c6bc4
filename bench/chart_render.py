"""How long the server-drawn SVG charts take, now that auto-escaping templates write them.

Run: .venv/bin/python bench/chart_render.py [--repeat 20]

No database: the confusion heatmap of 10, 20 and 50 classes (n² cells, counts in each)
and the score chart of the analytics page with 2,000 dots (SCORES_SAMPLED), each rendered
--repeat times after one warm-up; prints the median and the SVG's size. For comparison,
the heatmap as the code before wrote it (f-strings, escape() by hand, mark_safe; kept
here): the machine is often shared, so the ratio says more than either figure.
"""

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kompe_stack  # noqa: E402


def heatmap_as_before(confusion, title: str, true_axis: str, predicted_axis: str) -> str:
    from django.utils.html import escape

    from competitions.insight.heatmap import CELL, HEADER, LABEL_WIDTH, _shade, _short

    n = len(confusion.labels)
    shares = confusion.row_shares()
    width, height = LABEL_WIDTH + n * CELL + 8, HEADER + n * CELL + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'aria-label="{escape(title)}" font-size="11">',
             f'<text x="{LABEL_WIDTH}" y="12">{escape(predicted_axis)} →</text>',
             f'<text x="4" y="{HEADER - 6}">{escape(true_axis)} ↓</text>']
    for index, label in enumerate(confusion.labels):
        x, y = LABEL_WIDTH + index * CELL + CELL / 2, HEADER + index * CELL + CELL / 2 + 4
        parts.append(f'<text transform="translate({x:.0f},{HEADER - 4}) rotate(-55)">'
                     f'{escape(_short(label))}</text><text x="{LABEL_WIDTH - 6}" '
                     f'y="{y:.0f}" text-anchor="end">{escape(_short(label))}</text>')
    for row in range(n):
        for column in range(n):
            share, count = shares[row, column], int(confusion.counts[row, column])
            x, y = LABEL_WIDTH + column * CELL, HEADER + row * CELL
            parts.append(
                f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" '
                f'fill="{_shade(share, row == column)}" stroke="#fff"><title>'
                f'{escape(confusion.labels[row])} → {escape(confusion.labels[column])}: '
                f'{count} ({share:.0%})</title></rect>')
            if count:
                parts.append(f'<text x="{x + CELL / 2:.0f}" y="{y + CELL / 2 + 4:.0f}" '
                             f'text-anchor="middle">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)


def median_ms(draw, repeat: int) -> tuple[float, int]:
    size = len(draw())  # warm-up: the template is compiled and cached
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        draw()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    scratch = kompe_stack.setup({"DATABASE_URL": "sqlite:///:memory:"})
    import numpy as np

    from competitions.charts import Series, best_so_far, score_history_svg
    from competitions.insight.heatmap import confusion_svg
    from competitions.insight.selectors import SCORES_SAMPLED
    from scoring.error_analysis import Confusion

    rng = np.random.default_rng(0)
    for classes in (10, 20, 50):
        confusion = Confusion.from_lists(rng.integers(0, 9, (classes, classes)).tolist(),
                                         [f"class {index}" for index in range(classes)])
        ms, size = median_ms(lambda c=confusion: confusion_svg(c, "Confusion matrix",
                                                               "true", "predicted"),
                             args.repeat)
        before, _ = median_ms(lambda c=confusion: heatmap_as_before(c, "Confusion matrix",
                                                                    "true", "predicted"),
                              args.repeat)
        print(f"heatmap, {classes:3} classes ({classes * classes:5,} cells): "
              f"{ms:7.1f} ms  ({size / 1024:6.1f} KiB); f-strings as before: "
              f"{before:6.1f} ms")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    points = [(start + timedelta(minutes=index), float(value))
              for index, value in enumerate(rng.random(SCORES_SAMPLED))]
    series = [Series("Public scores of all participants", points,
                     best_so_far(points, True), "#2457d6")]
    ms, size = median_ms(lambda: score_history_svg(series, "Scores over time"), args.repeat)
    print(f"score chart, {SCORES_SAMPLED:,} dots: {ms:7.1f} ms  ({size / 1024:6.1f} KiB)")
    if scratch:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
