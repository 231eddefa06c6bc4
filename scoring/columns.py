"""Plain CSV bodies split into columns of fixed-width byte strings, without one Python
object per field: what lets a million-row file be checked in little time and memory.

Only the plainest files qualify: no quotes, LF line endings, no blank lines, no spaces
around fields, exactly the expected number of commas on every line. Anything else gets
None, and the caller takes the precise row-by-row path.
"""

import numpy as np

from .csvfile import utf8_error_at

NEWLINE, COMMA, SPACE, TAB = (ord(char) for char in "\n, \t")
BOM = "\ufeff".encode()
# Longer fields are left to the precise path (it quotes them shortened).
MAX_FIELD_BYTES = 256
# A million-row file is split a piece at a time (Body.pieces): a piece's columns are a few
# MB, where the whole file's would be tens of MB on top of the file and the solution.
PIECE_BYTES = 2 * 2**20


class Body:
    """A plain CSV's bytes and the span of its rows, kept without copying the bytes."""

    def __init__(self, raw: bytes, start: int = 0, stop: int | None = None):
        self.raw, self.start = raw, start
        self.stop = len(raw) if stop is None else stop

    def first_line(self) -> bytes:
        end = self.raw.find(b"\n", self.start, self.stop)
        return self.raw[self.start:self.stop if end == -1 else end]

    def after_first_line(self) -> "Body":
        end = self.raw.find(b"\n", self.start, self.stop)
        return Body(self.raw, self.stop if end == -1 else end + 1, self.stop)

    def count(self, sub: bytes) -> int:
        return self.raw.count(sub, self.start, self.stop)

    def pieces(self, size: int) -> "list[Body]":
        """Spans of about `size` bytes that end at line ends (no final newline inside a
        span: each is a plain body of its own)."""
        pieces, start = [], self.start
        while start < self.stop:
            end = self.raw.find(b"\n", min(start + size, self.stop), self.stop)
            end = self.stop if end == -1 else end
            pieces.append(Body(self.raw, start, end))
            start = end + 1
        return pieces

    def __len__(self) -> int:
        return self.stop - self.start

    def array(self) -> np.ndarray:
        return np.frombuffer(self.raw, dtype=np.uint8)[self.start:self.stop]


def plain_body(raw: bytes) -> Body | None:
    """The rows of a plain file (no BOM, LF endings, no final newline); None if not plain."""
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n")
    if b'"' in raw or b"\r" in raw or b"\x00" in raw:
        return None
    start = len(BOM) if raw.startswith(BOM) else 0
    stop = len(raw)
    while stop > start and raw[stop - 1] == NEWLINE:
        stop -= 1
    if stop == start or raw.find(b"\n\n", start, stop) != -1:
        return None
    if utf8_error_at(raw) is not None:
        return None
    return Body(raw, start, stop)


def split_columns(body: Body, columns: int, rows: int | None = None,
                  max_widths: tuple[int, ...] | None = None) -> list[np.ndarray] | None:
    """Each column as an array of fixed-width byte strings, if every line is plain.

    `rows`: the number of lines expected, and `max_widths`: the longest value each column
    can hold and still be valid. Both are checked before any array is made, so that a file
    of a million commas or one long value is turned away at the cost of a count.
    """
    if not len(body):
        return None
    lines = body.count(b"\n") + 1
    if rows is not None and lines != rows or body.count(b",") != lines * (columns - 1):
        return None
    buffer = body.array()
    ends = np.append(positions_of(buffer, NEWLINE), np.int32(len(buffer)))
    commas = positions_of(buffer, COMMA)
    if len(commas) != len(ends) * (columns - 1):
        return None
    commas = commas.reshape(len(ends), columns - 1)
    line_starts = np.append(np.int32(0), ends[:-1] + 1)
    result = []
    for column in range(columns):
        starts = line_starts if column == 0 else commas[:, column - 1] + 1
        stops = ends if column == columns - 1 else commas[:, column]
        # A field ending before it starts means a comma belongs to another line.
        if (stops < starts).any() or _space_around(buffer, starts, stops):
            return None
        limit = MAX_FIELD_BYTES if max_widths is None else min(MAX_FIELD_BYTES,
                                                                 max_widths[column])
        values = fixed_width(buffer, starts, stops, limit)
        if values is None:
            return None
        result.append(values)
    return result


# Searched a slice at a time: a whole-file comparison would make a temporary array of one
# byte per byte of the file, and flatnonzero 8 bytes per hit (60 MB for a 30 MB file).
SEARCH_SLICE = 4 * 2**20


def positions_of(buffer: np.ndarray, byte: int) -> np.ndarray:
    """Where `byte` occurs, as 32-bit positions (files are far below 2 GB)."""
    found = [np.flatnonzero(buffer[start:start + SEARCH_SLICE] == byte).astype(np.int32)
             + np.int32(start) for start in range(0, len(buffer), SEARCH_SLICE)]
    return np.concatenate(found) if found else np.empty(0, dtype=np.int32)


def _space_around(buffer: np.ndarray, starts: np.ndarray, stops: np.ndarray) -> bool:
    filled = stops > starts
    first, last = buffer[starts[filled]], buffer[stops[filled] - 1]
    return bool(np.isin(first, (SPACE, TAB)).any() or np.isin(last, (SPACE, TAB)).any())


def fixed_width(buffer: np.ndarray, starts: np.ndarray, stops: np.ndarray,
                 limit: int) -> np.ndarray | None:
    lengths = stops - starts
    width = max(1, int(lengths.max()))
    if width > limit:
        return None  # never truncate: a cut value could match a real id
    table = np.zeros((len(starts), width), dtype=np.uint8)
    shortest = int(lengths.min()) if len(lengths) else 0
    # One pass per byte position keeps the temporary arrays as small as one column; up to
    # the shortest value every row has the byte, and no list of rows is needed.
    for position in range(width):
        if position < shortest:
            table[:, position] = buffer[starts + position]
        else:
            rows = np.flatnonzero(lengths > position)
            table[rows, position] = buffer[starts[rows] + position]
    return table.view(f"S{width}").ravel()


def encode(values) -> np.ndarray:
    """Python strings as a fixed-width UTF-8 byte-string array."""
    encoded = [value.encode() for value in values]
    return np.array(encoded, dtype=f"S{max([1, *map(len, encoded)])}")


COMPARE_SLICE = 2**16


class Lookup:
    """Finds the position of byte strings in a fixed set, for whole columns at once."""

    def __init__(self, keys: np.ndarray):
        self.order = np.argsort(keys, kind="stable").astype(np.int64, copy=False)
        self.sorted = keys[self.order]
        self.width = keys.dtype.itemsize

    def position(self, value: str) -> int | None:
        """One value's index in the keys (a binary search: no dict of a million ids)."""
        encoded = value.encode()
        if len(encoded) > self.width or not encoded:
            return None
        at = int(np.searchsorted(self.sorted, encoded))
        if at < len(self.sorted) and self.sorted[at] == encoded:
            return int(self.order[at])
        return None

    def has_duplicates(self) -> bool:
        return bool((self.sorted[1:] == self.sorted[:-1]).any())

    def positions(self, values: np.ndarray) -> np.ndarray:
        """Each value's index in the keys, or -1 where it is not one of them."""
        too_long = None
        if values.dtype.itemsize > self.width:
            too_long = np.char.str_len(values) > self.width
        values = values.astype(f"S{self.width}", copy=False)
        # In-place steps: on a million rows every temporary array counts.
        found_at = np.searchsorted(self.sorted, values)
        np.minimum(found_at, len(self.sorted) - 1, out=found_at)
        found = np.empty(len(values), dtype=bool)
        # Compared a slice at a time: the looked-up keys would be a copy as large as values.
        for start in range(0, len(values), COMPARE_SLICE):
            part = slice(start, start + COMPARE_SLICE)
            np.equal(self.sorted[found_at[part]], values[part], out=found[part])
        if too_long is not None:
            found &= ~too_long
        np.take(self.order, found_at, out=found_at)
        found_at[~found] = -1
        return found_at
