"""The hidden solution: `id,label,usage`, usage Public or Private (Kaggle's convention)."""

from collections.abc import Callable, Sequence
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

    The ids are kept as fixed-width UTF-8 byte strings, not as a million Python strings,
    and only once: sorted, with each one's row (`lookup`), which is what scoring searches.
    The ids in row order are rebuilt from it when asked (`id_bytes`: the precise path and
    the baselines, never a valid file's scoring), so a cached 1,000,000-row solution of
    12-byte ids holds 25 MB in each worker rather than 37 MB.
    """

    def __init__(self, id_bytes: np.ndarray, targets: np.ndarray, is_public: np.ndarray):
        self.lookup = Lookup(id_bytes)
        self.targets = targets
        self.is_public = is_public

    def __len__(self) -> int:
        return len(self.targets)

    @property
    def id_width(self) -> int:
        """The longest id's length in UTF-8 bytes."""
        return self.lookup.width

    @property
    def id_bytes(self) -> np.ndarray:
        """The ids in row order (a new array each time: keep it only as long as needed)."""
        ids = np.empty_like(self.lookup.sorted)
        ids[self.lookup.order] = self.lookup.sorted
        return ids

    def id_of(self, row: int) -> str:
        return self.lookup.sorted[int(np.flatnonzero(self.lookup.order == row)[0])].decode()

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
    return read_solution(lambda: data, labels)


def read_solution(read: Callable[[], bytes], labels: Sequence[str]) -> Solution:
    """The same, from `read()`, which gives the file's bytes: a worker's way. The bytes
    are let go before the ids' index is built, so the peak is the file or the index, not
    both (a second read() comes only for a file the plain path turns down)."""
    columns = _plain_columns(unpack(read()), labels)
    if columns is not None:
        solution = _valid(*columns)
        if solution is not None:
            return solution
        del columns
    return _parse_precisely(unpack(read()), labels)


def _parse_plain(data: bytes, labels: Sequence[str]) -> Solution | None:
    """A plain, valid solution parsed whole-column; None at the first doubt."""
    columns = _plain_columns(data, labels)
    return None if columns is None else _valid(*columns)


def _valid(id_bytes: np.ndarray, targets: np.ndarray, is_public: np.ndarray
           ) -> Solution | None:
    if (id_bytes == b"").any() or not is_public.any():
        return None
    solution = Solution(id_bytes, targets, is_public)
    return None if solution.lookup.has_duplicates() else solution


def _plain_columns(data: bytes, labels: Sequence[str]
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Whole-column parsing of a plain solution, a piece at a time: its ids, class indexes
    and Public flags, or None at the first doubt."""
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
    return id_bytes, np.concatenate(targets), np.concatenate(public)


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
