"""The fast path: well-formed files are parsed with whole-column operations.

It answers only when it is sure; at the first doubt (quotes, stray spaces, a bad id or
label, a wrong row count, anything) it returns None and the precise row-by-row path in
`submission.py` finds and words every problem. So its speed never costs a message.
"""

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .compression import unpack
from .formats import PROBABILITY_SUM_TOLERANCE, Header, Kind, LabelsAs, SubmissionFormat
from .problems import InvalidFile
from .solution import Solution
from .submission import Predictions

BOM = "\ufeff".encode()
NEWLINE, COMMA = ord("\n"), ord(",")


def parse_fast(data: bytes, solution: Solution, labels: Sequence[str],
               fmt: SubmissionFormat) -> Predictions | None:
    try:
        raw = unpack(data)
    except InvalidFile:
        return None
    raw = raw.removeprefix(BOM).replace(b"\r\n", b"\n").rstrip(b"\n")
    if b'"' in raw or b"\r" in raw or b"\n\n" in raw:
        return None
    header = ",".join(fmt.expected_header(labels)).encode()
    raw = _without_header(raw, header, fmt.header)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if fmt.kind == Kind.PROBABILITY:
        return _probabilities(text, solution, labels)
    return _labels(raw, text, solution, labels, fmt.labels_as)


def _without_header(raw: bytes, header: bytes, mode: Header) -> bytes | None:
    first, _, rest = raw.partition(b"\n")
    has_header = first == header
    if mode == Header.REQUIRED and not has_header or mode == Header.ABSENT and has_header:
        return None
    return rest if has_header else raw


def _rows_of(ids: list[str], solution: Solution) -> np.ndarray | None:
    """Each line's solution row, if every id is known and appears exactly once."""
    rows = solution.id_index.get_indexer(ids)
    if (rows < 0).any() or not (np.bincount(rows, minlength=len(solution)) == 1).all():
        return None
    return rows


def _one_comma_per_line(raw: bytes) -> bool:
    """Every line holds exactly one comma: checked on byte positions, without splitting."""
    array = np.frombuffer(raw, dtype=np.uint8)
    ends = np.append(np.flatnonzero(array == NEWLINE), len(array))
    commas = np.flatnonzero(array == COMMA)
    if len(commas) != len(ends):
        return False
    starts = np.append(0, ends[:-1] + 1)
    return bool(((commas > starts - 1) & (commas < ends)).all())


def _labels(raw: bytes, text: str, solution: Solution, labels: Sequence[str],
            labels_as: LabelsAs) -> Predictions | None:
    if not raw or not _one_comma_per_line(raw):
        return None
    fields = text.replace("\n", ",").split(",")
    ids, predicted = fields[0::2], fields[1::2]
    if len(ids) != len(solution):
        return None
    rows = _rows_of(ids, solution)
    if rows is None:
        return None
    if labels_as == LabelsAs.INDEX:
        joined = "".join(predicted)
        if not (joined.isdigit() and joined.isascii()) or "" in predicted:
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


def _probabilities(text: str, solution: Solution, labels: Sequence[str]
                   ) -> Predictions | None:
    columns = len(labels) + 1
    try:
        table = pd.read_csv(io.StringIO(text), header=None, engine="c", dtype={0: str},
                            na_filter=False)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    if table.shape != (len(solution), columns) or text.count(",") != len(table) * (columns - 1):
        return None
    values = table.iloc[:, 1:]
    if not all(dtype.kind in "fi" for dtype in values.dtypes):
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
