"""The confusion matrix as a heatmap, drawn on the server as SVG: class names on both
axes, the count in each cell, shading by the share of the true class's rows. The template
competitions/charts/confusion.svg writes it, auto-escaping the class names."""

import math

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from scoring.error_analysis import Confusion

CELL = 30
# Room for class names left of the rows and, slanted, above the columns: measured from the
# longest (shortened) name, so that three one-character classes are not drawn in a frame
# made for fourteen-character names. Bounds: the axis titles need the minimum.
MAX_LABEL_WIDTH = 120
MIN_LABEL_WIDTH = 60
MAX_HEADER = 110
MIN_HEADER = 40
SLANT = math.radians(55)


def confusion_svg(confusion: Confusion, title: str, true_axis: str,
                  predicted_axis: str) -> SafeString:
    n = len(confusion.labels)
    longest = max((_text_width(_short(label)) for label in confusion.labels), default=0)
    label_width = int(min(MAX_LABEL_WIDTH, max(MIN_LABEL_WIDTH, longest + 12)))
    header = int(min(MAX_HEADER, max(MIN_HEADER, longest * math.sin(SLANT) + 24)))
    shares = confusion.row_shares()
    labels = [{"short": _short(label), "column_x": f"{label_width + index * CELL + CELL / 2:.0f}",
               "row_y": f"{header + index * CELL + CELL / 2 + 4:.0f}"}
              for index, label in enumerate(confusion.labels)]
    # One group per row (its y written once) and few values per cell: the template writes
    # n² cells, and every value it writes costs an escape.
    rows = []
    for row, true in enumerate(confusion.labels):
        cells = []
        for column, predicted in enumerate(confusion.labels):
            share, count = shares[row, column], int(confusion.counts[row, column])
            x = label_width + column * CELL
            cells.append({"x": x, "text_x": x + CELL // 2, "count": count,
                          "fill": _shade(share, diagonal=row == column),
                          "ink": "#fff" if share > 0.55 else "#1d2433",
                          "title": f"{true} → {predicted}: {count} ({share:.0%})"})
        rows.append({"y": header + row * CELL, "cells": cells})
    return render_to_string("competitions/charts/confusion.svg", {
        "title": title, "true_axis": true_axis, "predicted_axis": predicted_axis,
        "width": label_width + n * CELL + 8, "height": header + n * CELL + 8,
        "cell_size": CELL, "count_y": CELL // 2 + 4, "label_width": label_width,
        "label_x": label_width - 6, "header_y": header - 4, "true_axis_y": header - 6,
        "labels": labels, "rows": rows})


def _shade(share: float, diagonal: bool) -> str:
    """Blue for right answers, red for mistakes; darker for a larger share of the row."""
    if share == 0:
        return "#f4f6fa"
    r, g, b = (36, 87, 214) if diagonal else (179, 38, 30)
    mix = 0.15 + 0.85 * share
    return "#{:02x}{:02x}{:02x}".format(*(round(255 - (255 - c) * mix) for c in (r, g, b)))


def _text_width(label: str) -> float:
    """About how wide a name is at font-size 11: kana and kanji are square, Latin narrower."""
    return sum(11 if ord(char) > 0x2E7F else 6.5 for char in label)


def _short(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"
