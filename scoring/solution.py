"""The hidden solution: `id,label,usage`, usage Public or Private (Kaggle's convention)."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .checks import id_problem, label_problem
from .csvfile import decode, read_rows
from .problems import InvalidFile, Problem, quote

SOLUTION_HEADER = ("id", "label", "usage")
USAGES = ("Public", "Private")


@dataclass(frozen=True)
class Solution:
    ids: tuple[str, ...]
    # Class indices into the competition's ordered labels, one per id.
    targets: np.ndarray
    is_public: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "row_of", {id_: row for row, id_ in enumerate(self.ids)})

    @cached_property
    def id_index(self) -> pd.Index:
        """For looking up a whole column of ids at once (the fast path)."""
        return pd.Index(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def public_count(self) -> int:
        return int(self.is_public.sum())

    @property
    def private_count(self) -> int:
        return len(self) - self.public_count


def parse_solution(data: bytes, labels: Sequence[str]) -> Solution:
    """The solution, or InvalidFile listing every problem found."""
    rows = iter(read_rows(decode(data)))
    problems: list[Problem] = []
    header = next(rows, None)
    if header is None:
        raise InvalidFile([Problem("empty_file")])
    if tuple(header.fields) != SOLUTION_HEADER:
        problems.append(Problem("header", line=header.line, params={
            "expected": ",".join(SOLUTION_HEADER), "found": quote(",".join(header.fields))}))
    label_index = {label: index for index, label in enumerate(labels)}
    ids: list[str] = []
    targets: list[int] = []
    public: list[bool] = []
    first_line: dict[str, int] = {}
    for row in rows:
        if len(row.fields) != len(SOLUTION_HEADER):
            problems.append(Problem("columns", line=row.line, params={
                "expected": len(SOLUTION_HEADER), "found": len(row.fields)}))
            continue
        id_, label, usage = row.fields
        row_problems = [id_problem(row.line, id_, first_line),
                        label_problem(row.line, label, label_index)]
        first_line.setdefault(id_, row.line)
        problems.extend(problem for problem in row_problems if problem)
        if usage not in USAGES:
            problems.append(Problem("bad_usage", line=row.line, column=3,
                                    params={"usage": quote(usage)}))
        ids.append(id_)
        targets.append(label_index.get(label, -1))
        public.append(usage == "Public")
    if not problems and not ids:
        problems.append(Problem("no_rows"))
    if not problems and not any(public):
        problems.append(Problem("no_public_rows"))
    if problems:
        raise InvalidFile(problems)
    return Solution(ids=tuple(ids), targets=np.array(targets, dtype=np.int32),
                    is_public=np.array(public, dtype=bool))
