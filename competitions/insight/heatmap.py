"""The confusion matrix as a heatmap, drawn on the server as SVG: class names on both
axes, the count in each cell, shading by the share of the true class's rows."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from scoring.error_analysis import Confusion

CELL = 30
LABEL_WIDTH = 120  # room for class names (Japanese ones too) left of the rows
HEADER = 110  # room for the slanted class names above the columns
FONT = "font-family='IPAGothic, IPAPGothic, Noto Sans CJK JP, sans-serif'"


def confusion_svg(confusion: Confusion, title: str, true_axis: str,
                  predicted_axis: str) -> SafeString:
    n = len(confusion.labels)
    shares = confusion.row_shares()
    width, height = LABEL_WIDTH + n * CELL + 8, HEADER + n * CELL + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" class="confusion" role="img" '
             f'aria-label="{escape(title)}" {FONT} font-size="11">',
             f'<text x="{LABEL_WIDTH}" y="12" font-weight="600">{escape(predicted_axis)} →'
             f'</text>',
             f'<text x="4" y="{HEADER - 6}" font-weight="600">{escape(true_axis)} ↓</text>']
    for index, label in enumerate(confusion.labels):
        x = LABEL_WIDTH + index * CELL + CELL / 2
        parts.append(f'<text transform="translate({x:.0f},{HEADER - 4}) rotate(-55)">'
                     f'{escape(_short(label))}</text>')
        y = HEADER + index * CELL + CELL / 2 + 4
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y:.0f}" text-anchor="end">'
                     f'{escape(_short(label))}</text>')
    for row in range(n):
        for column in range(n):
            share, count = shares[row, column], int(confusion.counts[row, column])
            x, y = LABEL_WIDTH + column * CELL, HEADER + row * CELL
            fill = _shade(share, diagonal=row == column)
            parts.append(
                f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" fill="{fill}" '
                f'stroke="#fff"><title>{escape(confusion.labels[row])} → '
                f'{escape(confusion.labels[column])}: {count} ({share:.0%})</title></rect>')
            if count:
                ink = "#fff" if share > 0.55 else "#1d2433"
                parts.append(f'<text x="{x + CELL / 2:.0f}" y="{y + CELL / 2 + 4:.0f}" '
                             f'text-anchor="middle" fill="{ink}">{count}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _shade(share: float, diagonal: bool) -> str:
    """Blue for right answers, red for mistakes; darker for a larger share of the row."""
    if share == 0:
        return "#f4f6fa"
    r, g, b = (36, 87, 214) if diagonal else (179, 38, 30)
    mix = 0.15 + 0.85 * share
    return "#{:02x}{:02x}{:02x}".format(*(round(255 - (255 - c) * mix) for c in (r, g, b)))


def _short(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"
