"""Counting the problems in the rest of a hopeless file, without reading it row by row.

Once `submission.py` holds KEPT_PROBLEMS problems, nothing more will be shown: the rest of
the file only adds to the count. For a label submission whose rest has no quotation mark,
this counts exactly what the row-by-row path would, a block of lines at a time with
whole-array operations, so a 16 KB gzip of 8 million bad lines is counted in about a
second rather than minutes. Probability files and quoted text stay on the row-by-row path
(`count_rest` answers None).

Per line, as `_SubmissionReader.add` does: a blank line counts nothing; a wrong number of
fields counts one problem (and a known id in its first field still counts as sent); a
right one counts an id problem (empty, duplicate or unknown) and a label problem.
"""

from collections.abc import Iterator, Sequence

import numpy as np

from .columns import Lookup, encode, fixed_width
from .formats import Kind, LabelsAs, SubmissionFormat
from .solution import Solution

# Small blocks keep the temporary arrays (several 4-byte numbers per byte) to a few MB.
BLOCK_BYTES = 256 * 1024
NEWLINE, COMMA, SPACE, TAB = (ord(char) for char in "\n, \t")
DIGIT_0, DIGIT_9 = ord("0"), ord("9")
# Longer class numbers ("0000000001") are judged by Python's int(), like the precise path.
MAX_INDEX_DIGITS = 9


def count_rest(text: bytes, offset: int, *, solution: Solution, labels: Sequence[str],
               fmt: SubmissionFormat, first_line: np.ndarray) -> int | None:
    """Problems from `offset` to the end, or None when this file needs the precise path.
    `first_line`: per solution row, the line its id was first sent on (0: not yet); the
    rest's ids are marked -1 (sent; the line is not needed once nothing more is shown)."""
    if fmt.kind == Kind.PROBABILITY or text.find(b'"', offset) != -1:
        return None
    counter = _BlockCounter(solution, labels, fmt.labels_as, first_line)
    return sum(counter.count(np.frombuffer(text, np.uint8, stop - start, start))
               for start, stop in _blocks(text, offset))


def _blocks(text: bytes, offset: int) -> Iterator[tuple[int, int]]:
    """Spans of about BLOCK_BYTES that end at a line end (or the end of the text)."""
    while offset < len(text):
        stop = text.find(b"\n", min(offset + BLOCK_BYTES, len(text)) - 1)
        stop = len(text) if stop == -1 else stop + 1
        yield offset, stop
        offset = stop


class _BlockCounter:
    def __init__(self, solution: Solution, labels: Sequence[str], labels_as: LabelsAs,
                 first_line: np.ndarray):
        self.solution, self.labels, self.labels_as = solution, labels, labels_as
        self.first_line = first_line
        self.label_lookup = Lookup(encode(labels))
        # Which lengths the solution's ids have: junk of any other length needs no search.
        self.id_lengths = np.zeros(solution.id_width + 2, dtype=bool)
        self.id_lengths[np.unique(np.char.str_len(solution.lookup.sorted))] = True

    def count(self, block: np.ndarray) -> int:
        spaces = (block == SPACE) | (block == TAB)
        ends = np.flatnonzero(block == NEWLINE)
        if not len(block) or block[-1] != NEWLINE:
            ends = np.append(ends, len(block))
        starts = np.concatenate(([0], ends[:-1] + 1))
        filled = _span_sums(~spaces, starts, ends) > 0
        commas_at = np.flatnonzero(block == COMMA)
        commas = _span_sums(block == COMMA, starts, ends)
        right = filled & (commas == 1)
        problems = int(np.count_nonzero(filled & ~right))
        # The first field of every line, spaces and tabs trimmed as csv rows are.
        first_comma = _first_at_or_after(commas_at, starts, ends)
        trim = _Trimmer(spaces)
        id_starts, id_stops = trim(starts, first_comma)
        rows = self._solution_rows(block, id_starts, id_stops)
        problems += self._id_problems(rows, right, filled, id_stops - id_starts)
        label_starts, label_stops = trim(first_comma[right] + 1, ends[right])
        return problems + self._label_problems(block, label_starts, label_stops)

    def _solution_rows(self, block, starts, stops) -> np.ndarray:
        """Each line's id as a solution row, -1 when it is no id of the solution."""
        rows = np.full(len(starts), -1, dtype=np.int64)
        lengths = np.minimum(stops - starts, len(self.id_lengths) - 1)
        fits = self.id_lengths[lengths]
        if fits.any():
            values = fixed_width(block, starts[fits], stops[fits],
                                 self.solution.id_width)
            rows[fits] = self.solution.lookup.positions(values)
        return rows

    def _id_problems(self, rows, right, filled, lengths) -> int:
        known = filled & (rows >= 0)
        sent = rows[known]  # in line order: wrong lines count as sent too
        _, first = np.unique(sent, return_index=True)
        again = np.ones(len(sent), dtype=bool)
        again[first] = False
        again |= self.first_line[sent] != 0
        self.first_line[sent] = -1
        duplicates = int(np.count_nonzero(again & right[known]))
        empty_or_unknown = int(np.count_nonzero(right & ((lengths == 0) | (rows < 0))))
        return duplicates + empty_or_unknown

    def _label_problems(self, block, starts, stops) -> int:
        lengths = stops - starts
        if self.labels_as == LabelsAs.INDEX:
            return self._index_problems(block, starts, stops, lengths)
        width = self.label_lookup.width
        fits = (lengths > 0) & (lengths <= width)
        good = np.zeros(len(starts), dtype=bool)
        if fits.any():
            good[fits] = self.label_lookup.positions(
                fixed_width(block, starts[fits], stops[fits], width)) >= 0
        return int(np.count_nonzero(~good))

    def _index_problems(self, block, starts, stops, lengths) -> int:
        digits = (block >= DIGIT_0) & (block <= DIGIT_9)
        plain = (lengths > 0) & (lengths <= MAX_INDEX_DIGITS) & (
            _span_sums(~digits, starts, stops) == 0)
        values = np.zeros(np.count_nonzero(plain), dtype=np.int64)
        plain_starts, plain_lengths = starts[plain], lengths[plain]
        for position in range(MAX_INDEX_DIGITS):
            more = plain_lengths > position
            values[more] = values[more] * 10 + block[plain_starts[more] + position] - DIGIT_0
        problems = int(np.count_nonzero(values >= len(self.labels)))
        # Empty labels, and the rare odd ones (non-ASCII digits, leading zeros past nine
        # digits), judged one by one exactly as the precise path judges them.
        for start, stop in zip(starts[~plain].tolist(), stops[~plain].tolist(), strict=True):
            label = bytes(block[start:stop]).decode()
            if not (label and label.isdecimal() and int(label) < len(self.labels)):
                problems += 1
        return problems


class _Trimmer:
    """Spans with leading and trailing spaces and tabs removed, for whole arrays."""

    def __init__(self, spaces: np.ndarray):
        positions = np.arange(len(spaces), dtype=np.int32)
        # The next non-space at or after each position, and the last one at or before.
        self.next = np.append(np.minimum.accumulate(
            np.where(spaces, len(spaces), positions)[::-1])[::-1], len(spaces))
        self.last = np.maximum.accumulate(np.where(spaces, -1, positions))

    def __call__(self, starts: np.ndarray, stops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        new_starts = self.next[starts]
        new_stops = np.where(stops > starts, self.last[np.maximum(stops - 1, 0)] + 1, starts)
        empty = new_stops <= new_starts
        return new_starts, np.where(empty, new_starts, new_stops)


def _span_sums(mask: np.ndarray, starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    totals = np.concatenate(([0], np.cumsum(mask, dtype=np.int32)))
    return totals[stops] - totals[starts]


def _first_at_or_after(positions: np.ndarray, starts: np.ndarray, stops: np.ndarray
                       ) -> np.ndarray:
    """The first of `positions` in each [start, stop), or stop when there is none."""
    if not len(positions):
        return stops.copy()
    found = positions[np.minimum(np.searchsorted(positions, starts), len(positions) - 1)]
    return np.where((found >= starts) & (found < stops), found, stops)
