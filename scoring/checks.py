"""Checks that the hidden solution and submissions share: ids and labels in a row."""

from collections.abc import Mapping

from .problems import Problem, quote


def id_problem(line: int, id_: str, first_line: Mapping[str, int]) -> Problem | None:
    """An empty id, or one already seen on an earlier line."""
    if not id_:
        return Problem("empty_id", line=line, column=1)
    if id_ in first_line:
        return Problem("duplicate_id", line=line, column=1,
                       params={"id": quote(id_), "first_line": first_line[id_]})
    return None


def label_problem(line: int, label: str, label_index: Mapping[str, int]) -> Problem | None:
    """An empty label, or one that is not a class of the competition."""
    if label in label_index:
        return None
    code = "unknown_label" if label else "empty_label"
    return Problem(code, line=line, column=2, params={"label": quote(label)})
