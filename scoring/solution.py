"""The hidden solution: `id,label,usage`, usage Public or Private (Kaggle's convention)."""

from collections.abc import Sequence
from enum import StrEnum
from functools import cached_property

import numpy as np

from .checks import id_problem, label_problem
from .columns import PIECE_BYTES, Lookup, encode, plain_body, split_columns
from .compression import unpack
from .csvfile import Lines, decode, read_rows
from .problems import InvalidFile, Problem, ProblemLog, quote

SOLUTION_HEADER = ("id", "label", "usage")


class Usage(StrEnum):
    """Which part of the test set a solution row belongs to (Kaggle's names): Public rows
    score the public leaderboard, Private rows the private one."""

    PUBLIC = "Public"
    PRIVATE = "Private"


USAGES = tuple(Usage)


class Solution:
    """The hidden ids in row order, each with its class index and whether it is Public.

    The ids are kept as one array of fixed-width UTF-8 byte strings, not as a million
    Python strings: a large solution stays small in every worker's memory.
    """

    def __init__(self, id_bytes: np.ndarray, targets: np.ndarray, is_public: np.ndarray):
        self.id_bytes = id_bytes
        self.targets = targets
        self.is_public = is_public

    def __len__(self) -> int:
        return len(self.id_bytes)

    @cached_property
    def lookup(self) -> Lookup:
        return Lookup(self.id_bytes)

    @cached_property
    def ids(self) -> tuple[str, ...]:
        """The ids as text, for the precise path (which runs only on invalid files)."""
        return tuple(value.decode() for value in self.id_bytes.tolist())

    def row_of(self, id_: str) -> int | None:
        """The row of one id, or None: a binary search in `lookup`, so that checking a
        file against a million ids keeps no million-entry dict."""
        return self.lookup.position(id_)

    def smallest_id(self, rows: np.ndarray) -> str:
        """The smallest of the ids at these rows (a mask), in code point order."""
        return self.lookup.sorted[np.argmax(rows[self.lookup.order])].decode()

    @property
    def public_count(self) -> int:
        return int(self.is_public.sum())

    @property
    def private_count(self) -> int:
        return len(self) - self.public_count


def parse_solution(data: bytes, labels: Sequence[str]) -> Solution:
    """The solution, or InvalidFile with the first problems found and their count."""
    data = unpack(data)
    return _parse_plain(data, labels) or _parse_precisely(data, labels)


def _parse_plain(data: bytes, labels: Sequence[str]) -> Solution | None:
    """Whole-column parsing of a plain, valid solution, a piece at a time; None at the
    first doubt."""
    body = plain_body(data)
    if body is None or body.first_line() != ",".join(SOLUTION_HEADER).encode():
        return None
    body = body.after_first_line()
    if not len(body):
        return None
    label_lookup = Lookup(encode(labels))
    ids, targets, public = [], [], []
    for piece in body.pieces(PIECE_BYTES):
        columns = split_columns(piece, len(SOLUTION_HEADER))
        if columns is None:
            return None
        piece_ids, label_bytes, usage = columns
        piece_targets = label_lookup.positions(label_bytes)
        is_public = usage == Usage.PUBLIC.encode()
        if (piece_targets < 0).any() or not (is_public | (usage == Usage.PRIVATE.encode())).all():
            return None
        ids.append(piece_ids)
        targets.append(piece_targets.astype(np.int32))
        public.append(is_public)
    id_bytes = np.concatenate(ids)  # at the widest piece's width
    del ids
    solution = Solution(id_bytes, np.concatenate(targets), np.concatenate(public))
    if (id_bytes == b"").any() or solution.lookup.has_duplicates() or not solution.is_public.any():
        return None
    return solution


def _parse_precisely(data: bytes, labels: Sequence[str]) -> Solution:
    rows = iter(read_rows(Lines(decode(data))))
    problems = ProblemLog()
    header = next(rows, None)
    if header is None:
        raise InvalidFile([Problem("empty_file")])
    if tuple(header.fields) != SOLUTION_HEADER:
        problems.add(Problem("header", line=header.line, params={
            "expected": ",".join(SOLUTION_HEADER), "found": quote(",".join(header.fields))}))
    label_index = {label: index for index, label in enumerate(labels)}
    ids: list[str] = []
    targets: list[int] = []
    public: list[bool] = []
    first_line: dict[str, int] = {}
    for row in rows:
        if len(row.fields) != len(SOLUTION_HEADER):
            problems.add(Problem("columns", line=row.line, params={
                "expected": len(SOLUTION_HEADER), "found": len(row.fields)}))
            continue
        id_, label, usage = row.fields
        row_problems = [id_problem(row.line, id_, first_line),
                        label_problem(row.line, label, label_index)]
        first_line.setdefault(id_, row.line)
        for problem in row_problems:
            if problem:
                problems.add(problem)
        if usage not in USAGES:
            problems.add(Problem("bad_usage", line=row.line, column=3,
                                    params={"usage": quote(usage)}))
        ids.append(id_)
        targets.append(label_index.get(label, -1))
        public.append(usage == Usage.PUBLIC)
    if not problems and not ids:
        problems.add(Problem("no_rows"))
    if not problems and not any(public):
        problems.add(Problem("no_public_rows"))
    if problems:
        raise problems.invalid()
    return Solution(encode(ids), np.array(targets, dtype=np.int32),
                    np.array(public, dtype=bool))
