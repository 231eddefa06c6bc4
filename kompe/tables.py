"""Plain-text tables that stay aligned with Japanese (double-width) text."""

import unicodedata


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[("" if value is None else str(value)) for value in row] for row in rows]
    widths = [max([width(header), *(width(row[i]) for row in cells)])
              for i, header in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "  ".join(value + " " * (widths[i] - width(value))
                         for i, value in enumerate(values)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, cells)])


def score(value: float | None) -> str:
    return "-" if value is None else f"{value:.5f}"
