"""A participant's `id,label` CSV, checked against the hidden solution's ids."""

from collections.abc import Sequence

import numpy as np

from .checks import id_problem, label_problem
from .csvfile import decode, read_rows
from .problems import InvalidFile, Problem, quote
from .solution import Solution

SUBMISSION_HEADER = ("id", "label")
# A single column holding one of these means the wrong separator was used.
OTHER_DELIMITERS = (";", "\t", "|")


def parse_submission(data: bytes, solution: Solution, labels: Sequence[str]) -> np.ndarray:
    """Predicted class indices in the solution's row order, or InvalidFile with every problem.

    The problems never reveal a hidden label: they quote only what the participant sent
    and the ids, which `sample_submission.csv` makes public anyway.
    """
    rows = iter(read_rows(decode(data)))
    header = next(rows, None)
    if header is None:
        raise InvalidFile([Problem("empty_file")])
    problems: list[Problem] = []
    if tuple(header.fields) != SUBMISSION_HEADER:
        problems.append(Problem("header", line=header.line, params={
            "expected": ",".join(SUBMISSION_HEADER), "found": quote(",".join(header.fields))}))
    label_index = {label: index for index, label in enumerate(labels)}
    predictions = np.full(len(solution), -1, dtype=np.int32)
    first_line: dict[str, int] = {}
    for row in rows:
        problem = _column_problem(row.line, row.fields)
        if problem:
            problems.append(problem)
            # The row's id was sent, even if badly: don't also report it as missing.
            if row.fields[0] in solution.row_of:
                first_line.setdefault(row.fields[0], row.line)
            continue
        id_, label = row.fields
        row_index = solution.row_of.get(id_)
        problem = id_problem(row.line, id_, first_line)
        if problem is None and row_index is None:
            problem = Problem("unknown_id", line=row.line, column=1, params={"id": quote(id_)})
        if problem:
            problems.append(problem)
        else:
            first_line[id_] = row.line
        problem = label_problem(row.line, label, label_index)
        if problem:
            problems.append(problem)
        elif row_index is not None:
            predictions[row_index] = label_index[label]
    missing = [id_ for id_ in solution.ids if id_ not in first_line]
    # When no row matched at all, the problems above already say why; "missing 2,000 ids"
    # would only bury them.
    if missing and (first_line or not problems):
        problems.append(_missing_problem(missing))
    if problems:
        raise InvalidFile(problems)
    return predictions


def _column_problem(line: int, fields: list[str]) -> Problem | None:
    if len(fields) == len(SUBMISSION_HEADER):
        return None
    if len(fields) == 1:
        for delimiter in OTHER_DELIMITERS:
            if delimiter in fields[0]:
                shown = "TAB" if delimiter == "\t" else delimiter
                return Problem("delimiter", line=line, params={"delimiter": shown})
    return Problem("columns", line=line, params={
        "expected": len(SUBMISSION_HEADER), "found": len(fields)})


def _missing_problem(missing: list[str]) -> Problem:
    # The example is the smallest missing id, never the first in the solution's order:
    # that order is hidden (a solution grouped by label would give labels away).
    example = quote(min(missing))
    if len(missing) == 1:
        return Problem("missing_id", params={"example": example})
    return Problem("missing_ids", params={"count": len(missing), "example": example})
