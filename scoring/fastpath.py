"""The fast path: well-formed files are parsed with whole-column operations.

It answers only when it is sure; at the first doubt (quotes, stray spaces, a bad id or
label, a wrong row count, anything) it returns None and the precise row-by-row path in
`submission.py` finds and words every problem. So its speed never costs a message.
"""

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .csvfile import decode
from .formats import PROBABILITY_SUM_TOLERANCE, Header, Kind, LabelsAs, SubmissionFormat
from .problems import InvalidFile
from .solution import Solution
from .submission import Predictions


def parse_fast(data: bytes, solution: Solution, labels: Sequence[str],
               fmt: SubmissionFormat) -> Predictions | None:
    try:
        text = decode(data)
    except InvalidFile:
        return None
    if '"' in text:
        return None
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[-1]:
        lines.pop()
    lines = _without_header(lines, ",".join(fmt.expected_header(labels)), fmt.header)
    if lines is None or len(lines) != len(solution):
        return None
    if fmt.kind == Kind.PROBABILITY:
        return _probabilities(lines, solution, labels)
    return _labels(lines, solution, labels, fmt.labels_as)


def _without_header(lines: list[str], header: str, mode: Header) -> list[str] | None:
    has_header = bool(lines) and lines[0] == header
    if mode == Header.REQUIRED and not has_header or mode == Header.ABSENT and has_header:
        return None
    return lines[1:] if has_header else lines


def _rows_of(ids: list[str], solution: Solution) -> np.ndarray | None:
    """Each line's solution row, if every id is known and appears exactly once."""
    rows = solution.id_index.get_indexer(ids)
    if (rows < 0).any() or not (np.bincount(rows, minlength=len(solution)) == 1).all():
        return None
    return rows


def _labels(lines: list[str], solution: Solution, labels: Sequence[str],
            labels_as: LabelsAs) -> Predictions | None:
    fields = [line.split(",") for line in lines]
    if any(len(pair) != 2 for pair in fields):
        return None
    ids, predicted = zip(*fields, strict=True)
    rows = _rows_of(list(ids), solution)
    if rows is None:
        return None
    if labels_as == LabelsAs.INDEX:
        if not all(value.isdigit() and value.isascii() for value in predicted):
            return None
        classes = np.array(predicted, dtype=np.int64)
        if (classes >= len(labels)).any():
            return None
    else:
        classes = pd.Index(labels).get_indexer(predicted)
        if (classes < 0).any():
            return None
    ordered = np.empty(len(solution), dtype=np.int32)
    ordered[rows] = classes
    return Predictions(ordered)


def _probabilities(lines: list[str], solution: Solution, labels: Sequence[str]
                   ) -> Predictions | None:
    columns = len(labels) + 1
    try:
        table = pd.read_csv(io.StringIO("\n".join(lines)), header=None, engine="c",
                            dtype={0: str}, na_filter=False)
    except (ValueError, pd.errors.ParserError):
        return None
    if table.shape != (len(lines), columns) or any(line.count(",") != columns - 1
                                                  for line in lines):
        return None
    values = table.iloc[:, 1:]
    if not all(dtype.kind == "f" or dtype.kind == "i" for dtype in values.dtypes):
        return None
    probabilities = values.to_numpy(dtype=np.float64)
    if not np.isfinite(probabilities).all() or (probabilities < 0).any():
        return None
    totals = probabilities.sum(axis=1)
    if (np.abs(totals - 1) > PROBABILITY_SUM_TOLERANCE).any():
        return None
    rows = _rows_of(table[0].tolist(), solution)
    if rows is None:
        return None
    ordered = np.empty_like(probabilities)
    ordered[rows] = probabilities / totals[:, None]
    return Predictions(ordered.argmax(axis=1).astype(np.int32), ordered)
