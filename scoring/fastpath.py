"""The fast path: well-formed files are parsed with whole-column operations.

It answers only when it is sure; at the first doubt (quotes, stray spaces, a bad id or
label, a wrong row count, anything) it returns None and the precise row-by-row path in
`submission.py` finds and words every problem. So its speed never costs a message.
"""

import io
from collections.abc import Sequence

import numpy as np

from .columns import PIECE_BYTES, Body, Lookup, encode, plain_body, split_columns
from .compression import unpack
from .formats import PROBABILITY_SUM_TOLERANCE, Header, Kind, LabelsAs, SubmissionFormat
from .problems import InvalidFile
from .solution import Solution
from .submission import Predictions

SUM_MARGIN = 1e-9


def parse_fast(data: bytes, solution: Solution, labels: Sequence[str],
               fmt: SubmissionFormat) -> Predictions | None:
    try:
        body = plain_body(unpack(data))
    except InvalidFile:
        return None
    if body is not None:
        body = _without_header(body, ",".join(fmt.expected_header(labels)).encode(),
                               fmt.header)
    if body is None:
        return None
    if fmt.kind == Kind.PROBABILITY:
        return _probabilities(body, solution, labels)
    return _labels(body, solution, labels, fmt.labels_as)


def _without_header(body: Body, header: bytes, mode: Header) -> Body | None:
    has_header = body.first_line() == header
    if mode == Header.REQUIRED and not has_header or mode == Header.ABSENT and has_header:
        return None
    return body.after_first_line() if has_header else body


def _rows_of(ids: np.ndarray, solution: Solution) -> np.ndarray | None:
    """Each line's solution row, if every id is known and appears exactly once."""
    if len(ids) != len(solution):
        return None
    rows = solution.lookup.positions(ids)
    if (rows < 0).any() or not (np.bincount(rows, minlength=len(solution)) == 1).all():
        return None
    return rows


def _labels(body: Body, solution: Solution, labels: Sequence[str],
            labels_as: LabelsAs) -> Predictions | None:
    if body.count(b"\n") + 1 != len(solution) or body.count(b",") != len(solution):
        return None
    label_width = 9 if labels_as == LabelsAs.INDEX else max(len(label.encode())
                                                            for label in labels)
    label_lookup = None if labels_as == LabelsAs.INDEX else Lookup(encode(labels))
    ordered = np.empty(len(solution), dtype=np.int32)
    sent = np.zeros(len(solution), dtype=bool)
    for piece in body.pieces(PIECE_BYTES):
        columns = split_columns(piece, 2, max_widths=(solution.id_width,
                                                      label_width))
        if columns is None:
            return None
        ids, predicted = columns
        rows = solution.lookup.positions(ids)
        if (rows < 0).any():
            return None
        sent[rows] = True
        if label_lookup is None:
            if not np.char.isdigit(predicted).all():
                return None  # not a plain number
            classes = predicted.astype(np.int64)
            if (classes >= len(labels)).any():
                return None
        else:
            classes = label_lookup.positions(predicted)
            if (classes < 0).any():
                return None
        ordered[rows] = classes
    # As many lines as ids, each id known: every id sent once exactly when all were sent.
    if not sent.all():
        return None
    return Predictions(ordered)


def _probabilities(body: Body, solution: Solution, labels: Sequence[str]
                   ) -> Predictions | None:
    columns = len(labels) + 1
    lines = body.count(b"\n") + 1
    if (not len(body) or lines != len(solution)
            or body.count(b",") != lines * (columns - 1)):
        return None
    # Imported here: only the scoring worker reads probability files this way, and pandas
    # would add tens of megabytes to every web process that imports the scoring core.
    import pandas as pd

    try:
        # round_trip: the same floats as Python's float(), which the precise path uses.
        table = pd.read_csv(io.BytesIO(body.array()), header=None, engine="c", dtype={0: str},
                            na_filter=False, encoding="utf-8", float_precision="round_trip")
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    if table.shape != (lines, columns):
        return None
    values = table.iloc[:, 1:]
    if not all(dtype.kind in "fi" for dtype in values.dtypes):
        return None
    probabilities = values.to_numpy(dtype=np.float64)
    if not np.isfinite(probabilities).all() or (probabilities < 0).any():
        return None
    totals = probabilities.sum(axis=1)
    # Sums this close to the edge of the tolerance are judged by the precise path's exact
    # sum (math.fsum): a rounding difference must never decide between the two.
    if (np.abs(totals - 1) > PROBABILITY_SUM_TOLERANCE - SUM_MARGIN).any():
        return None
    rows = _rows_of(encode(table[0].tolist()), solution)
    if rows is None:
        return None
    ordered = np.empty_like(probabilities)
    ordered[rows] = probabilities / totals[:, None]
    return Predictions(ordered.argmax(axis=1).astype(np.int32), ordered)
