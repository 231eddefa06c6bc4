"""The confusion matrix as a heatmap, drawn on the server as SVG: class names on both
axes, the count in each cell, shading by the share of the true class's rows. The template
competitions/charts/confusion.svg writes it, auto-escaping the class names."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from scoring.error_analysis import Confusion

CELL = 30
LABEL_WIDTH = 120  # room for class names (Japanese ones too) left of the rows
HEADER = 110  # room for the slanted class names above the columns


def confusion_svg(confusion: Confusion, title: str, true_axis: str,
                  predicted_axis: str) -> SafeString:
    n = len(confusion.labels)
    shares = confusion.row_shares()
    labels = [{"short": _short(label), "column_x": f"{LABEL_WIDTH + index * CELL + CELL / 2:.0f}",
               "row_y": f"{HEADER + index * CELL + CELL / 2 + 4:.0f}"}
              for index, label in enumerate(confusion.labels)]
    # One group per row (its y written once) and few values per cell: the template writes
    # n² cells, and every value it writes costs an escape.
    rows = []
    for row, true in enumerate(confusion.labels):
        cells = []
        for column, predicted in enumerate(confusion.labels):
            share, count = shares[row, column], int(confusion.counts[row, column])
            x = LABEL_WIDTH + column * CELL
            cells.append({"x": x, "text_x": x + CELL // 2, "count": count,
                          "fill": _shade(share, diagonal=row == column),
                          "ink": "#fff" if share > 0.55 else "#1d2433",
                          "title": f"{true} → {predicted}: {count} ({share:.0%})"})
        rows.append({"y": HEADER + row * CELL, "cells": cells})
    return render_to_string("competitions/charts/confusion.svg", {
        "title": title, "true_axis": true_axis, "predicted_axis": predicted_axis,
        "width": LABEL_WIDTH + n * CELL + 8, "height": HEADER + n * CELL + 8,
        "cell_size": CELL, "count_y": CELL // 2 + 4, "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 6, "header_y": HEADER - 4, "true_axis_y": HEADER - 6,
        "labels": labels, "rows": rows})


def _shade(share: float, diagonal: bool) -> str:
    """Blue for right answers, red for mistakes; darker for a larger share of the row."""
    if share == 0:
        return "#f4f6fa"
    r, g, b = (36, 87, 214) if diagonal else (179, 38, 30)
    mix = 0.15 + 0.85 * share
    return "#{:02x}{:02x}{:02x}".format(*(round(255 - (255 - c) * mix) for c in (r, g, b)))


def _short(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"
