"""A participant's CSV, checked row by row against the hidden solution's ids.

This is the precise path: every problem is found, with its line and column. The fast path
(`fastpath.py`) handles well-formed files and falls back to this one for any doubt.
"""

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .checks import label_problem
from .counting import count_rest
from .csvfile import Lines, Row, decode, read_rows
from .formats import (
    DEFAULT_FORMAT,
    PROBABILITY_SUM_TOLERANCE,
    Header,
    Kind,
    LabelsAs,
    SubmissionFormat,
)
from .problems import InvalidFile, Problem, ProblemLog, quote
from .solution import Solution

# A single column holding one of these means the wrong separator was used.
OTHER_DELIMITERS = (";", "\t", "|")


@dataclass(frozen=True)
class Predictions:
    """Predicted class indices in the solution's row order, and for probability files the
    probabilities (rows sum to 1)."""

    classes: np.ndarray
    probabilities: np.ndarray | None = None


def parse_submission(data: bytes, solution: Solution, labels: Sequence[str],
                     fmt: SubmissionFormat = DEFAULT_FORMAT) -> Predictions:
    """The predictions, or InvalidFile with the first problems in file order and the count
    of all (memory does not grow with the number of bad rows).

    The problems never reveal a hidden label: they quote only what the participant sent
    and the ids, which `sample_submission.csv` makes public anyway.
    """
    text = decode(data)
    lines = Lines(text)
    reader = _SubmissionReader(solution, labels, fmt)
    for row in _data_rows(read_rows(lines), fmt.expected_header(labels), fmt,
                          reader.problems):
        reader.add(row)
        if reader.problems.full:
            # Nothing more will be shown: the rest only adds to the count.
            rest = count_rest(text, lines.offset, solution=solution, labels=labels, fmt=fmt,
                              first_line=reader.first_line)
            if rest is not None:
                reader.problems.count += rest
                break
    return reader.result()


def _data_rows(rows: Iterator[Row], expected: tuple[str, ...], fmt: SubmissionFormat,
               problems: ProblemLog) -> Iterator[Row]:
    first = next(rows, None)
    if first is None:
        raise InvalidFile([Problem("empty_file")])
    is_header = tuple(first.fields) == expected
    if fmt.header == Header.REQUIRED and not is_header:
        problems.add(Problem("header", line=first.line, params={
            "expected": ",".join(expected), "found": quote(",".join(first.fields))}))
    elif fmt.header == Header.ABSENT and is_header:
        problems.add(Problem("header_not_expected", line=first.line,
                                params={"found": quote(",".join(first.fields))}))
    elif fmt.header != Header.REQUIRED and not is_header:
        yield first
    yield from rows


class _SubmissionReader:
    def __init__(self, solution: Solution, labels: Sequence[str], fmt: SubmissionFormat):
        self.solution, self.labels, self.fmt = solution, list(labels), fmt
        self.label_index = {label: index for index, label in enumerate(labels)}
        self.columns = len(fmt.expected_header(labels))
        self.problems = ProblemLog()
        # The line each solution row's id was first sent on (0: not sent; -1: sent, in
        # the part of the file that counting.py counted).
        self.first_line = np.zeros(len(solution), dtype=np.int32)
        self.classes = np.full(len(solution), -1, dtype=np.int32)
        self.probabilities = (np.zeros((len(solution), len(labels)))
                              if fmt.kind == Kind.PROBABILITY else None)

    def add(self, row: Row) -> None:
        problem = self._column_problem(row)
        if problem:
            self.problems.add(problem)
            # The row's id was sent, even if badly: don't also report it as missing.
            sent = self.solution.row_of(row.fields[0])
            if sent is not None and not self.first_line[sent]:
                self.first_line[sent] = row.line
            return
        row_index = self._row_index(row)
        if self.fmt.kind == Kind.PROBABILITY:
            self._add_probabilities(row, row_index)
        else:
            self._add_label(row, row_index)

    def result(self) -> Predictions:
        missing = self.first_line == 0
        # When no row matched at all, the problems above already say why; "missing 2,000
        # ids" would only bury them.
        if missing.any() and (not missing.all() or not self.problems):
            self.problems.add(_missing_problem(self.solution, missing))
        if self.problems:
            raise self.problems.invalid()
        return Predictions(self.classes, self.probabilities)

    def _column_problem(self, row: Row) -> Problem | None:
        if len(row.fields) == self.columns:
            return None
        if len(row.fields) == 1:
            for delimiter in OTHER_DELIMITERS:
                if delimiter in row.fields[0]:
                    shown = "TAB" if delimiter == "\t" else delimiter
                    return Problem("delimiter", line=row.line, params={"delimiter": shown})
        return Problem("columns", line=row.line, params={
            "expected": self.columns, "found": len(row.fields)})

    def _row_index(self, row: Row) -> int | None:
        """The solution row of this id, or None after recording why there is none."""
        id_ = row.fields[0]
        row_index = self.solution.row_of(id_)
        if not id_:
            problem = Problem("empty_id", line=row.line, column=1)
        elif row_index is None:
            problem = Problem("unknown_id", line=row.line, column=1, params={"id": quote(id_)})
        elif self.first_line[row_index]:
            problem = Problem("duplicate_id", line=row.line, column=1, params={
                "id": quote(id_), "first_line": int(self.first_line[row_index])})
        else:
            self.first_line[row_index] = row.line
            return row_index
        self.problems.add(problem)
        return None

    def _add_label(self, row: Row, row_index: int | None) -> None:
        label = row.fields[1]
        if self.fmt.labels_as == LabelsAs.INDEX and label:
            class_index = int(label) if label.isdecimal() else -1
            if not 0 <= class_index < len(self.labels):
                self.problems.add(Problem("bad_index", line=row.line, column=2, params={
                    "label": quote(label), "last": len(self.labels) - 1}))
                return
        else:
            problem = label_problem(row.line, label, self.label_index)
            if problem:
                self.problems.add(problem)
                return
            class_index = self.label_index[label]
        if row_index is not None:
            self.classes[row_index] = class_index

    def _add_probabilities(self, row: Row, row_index: int | None) -> None:
        values = []
        for column, (label, text) in enumerate(zip(self.labels, row.fields[1:], strict=True),
                                               start=2):
            value, problem = _probability(row.line, column, label, text)
            if problem:
                self.problems.add(problem)
            values.append(value)
        if any(value is None for value in values):
            return
        total = math.fsum(values)
        if abs(total - 1) > PROBABILITY_SUM_TOLERANCE:
            self.problems.add(Problem("bad_sum", line=row.line, params={
                "total": f"{total:.4g}", "tolerance": PROBABILITY_SUM_TOLERANCE}))
        elif row_index is not None:
            self.probabilities[row_index] = np.array(values) / total
            self.classes[row_index] = int(np.argmax(values))


def _probability(line: int, column: int, label: str, text: str
                 ) -> tuple[float | None, Problem | None]:
    params = {"label": quote(label), "value": quote(text)}
    try:
        value = float(text)
    except ValueError:
        return None, Problem("not_a_number", line=line, column=column, params=params)
    if not math.isfinite(value):
        return None, Problem("not_finite", line=line, column=column, params=params)
    if value < 0:
        return None, Problem("negative_probability", line=line, column=column, params=params)
    return value, None


def _missing_problem(solution: Solution, missing: np.ndarray) -> Problem:
    # The example is the smallest missing id, never the first in the solution's order:
    # that order is hidden (a solution grouped by label would give labels away).
    example = quote(solution.smallest_id(missing))
    count = int(np.count_nonzero(missing))
    if count == 1:
        return Problem("missing_id", params={"example": example})
    return Problem("missing_ids", params={"count": count, "example": example})
