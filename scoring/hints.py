"""One hint for a learner's common mistake, put ahead of the line-by-line problems.

A file that fails often fails for one reason that the 2,000 problems below it do not name:
Keras' argmax written as is, a pandas index, an Excel workbook, probabilities where labels
are expected (or the reverse), a missing header. `hint_for` looks only at the head of the
file (at most HEAD_BYTES) and an archive's list of members, so it costs nothing next to the
parsing that found the problems, whatever the file's size.
"""

import csv
import io
import zipfile
from collections.abc import Sequence

from .compression import GZIP_MAGIC, ZIP_MAGIC
from .formats import Header, Kind, LabelsAs, SubmissionFormat
from .problems import Problem, quote
from .solution import Solution

HEAD_BYTES = 64 * 1024
HEAD_ROWS = 20
# The old binary .xls (an OLE2 compound file).
OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
PANDAS_INDEX_NAMES = ("", "Unnamed: 0", "index")
# The label order is spelled out up to this many classes.
ORDER_SHOWN = 30


def hint_for(raw: bytes, unpacked: bytes | None, *, solution: Solution,
             labels: Sequence[str], fmt: SubmissionFormat) -> Problem | None:
    """The hint for a file that failed, or None. `raw`: the bytes as uploaded; `unpacked`:
    the CSV bytes inside (None when they could not be unpacked)."""
    if _is_excel(raw):
        return Problem("hint_excel")
    if unpacked is None:
        return None
    rows = _head_rows(unpacked)
    if not rows:
        return None
    for check in (_pandas_index, _kind_mismatch, _class_numbers, _header_missing):
        hint = check(rows, solution, list(labels), fmt)
        if hint:
            return hint
    return None


def _is_excel(raw: bytes) -> bool:
    if raw.startswith(OLE2_MAGIC):
        return True
    if not raw.startswith(ZIP_MAGIC):
        return False
    try:
        names = zipfile.ZipFile(io.BytesIO(raw)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    # A workbook itself, or a zip that holds one.
    return "xl/workbook.xml" in names or any(
        name.lower().endswith((".xlsx", ".xls", ".xlsm")) for name in names)


def _head_rows(data: bytes) -> list[list[str]]:
    if data.startswith(GZIP_MAGIC) or data.startswith(ZIP_MAGIC):
        return []
    head = data[:HEAD_BYTES]
    if len(data) > HEAD_BYTES and b"\n" in head:
        head = head[:head.rindex(b"\n")]
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    rows = []
    try:
        for fields in csv.reader(io.StringIO(text)):
            if fields and any(value.strip() for value in fields):
                rows.append([value.strip(" \t") for value in fields])
            if len(rows) >= HEAD_ROWS:
                break
    except csv.Error:
        return rows
    return rows


def _data_rows(rows: list[list[str]], expected: tuple[str, ...]) -> list[list[str]]:
    return rows[1:] if tuple(rows[0]) == expected else rows


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _pandas_index(rows, solution: Solution, labels, fmt) -> Problem | None:
    expected = fmt.expected_header(labels)
    first = rows[0]
    if first and first[0] in PANDAS_INDEX_NAMES and tuple(first[1:]) == expected:
        return Problem("hint_pandas_index")
    # Without a header: a counter 0, 1, 2, … before rows that are right otherwise.
    body = _data_rows(rows, expected)
    if body and all(len(row) == len(expected) + 1 and row[0].isdecimal() for row in body) \
            and body[0][0] in ("0", "1") and solution.row_of(body[0][1]) is not None:
        return Problem("hint_pandas_index")
    return None


def _kind_mismatch(rows, solution: Solution, labels, fmt) -> Problem | None:
    if len(labels) < 2:
        return None
    probability_header = ("id", *labels)
    body = rows[1:] if tuple(rows[0]) in (probability_header, ("id", "label")) else rows
    if fmt.kind == Kind.LABEL:
        looks_like = tuple(rows[0]) == probability_header or (body and all(
            len(row) == len(labels) + 1 and all(_is_number(value) for value in row[1:])
            for row in body))
        return Problem("hint_probabilities_not_labels") if looks_like else None
    looks_like = tuple(rows[0]) == ("id", "label") or (body and all(
        len(row) == 2 for row in body))
    if looks_like:
        return Problem("hint_labels_not_probabilities",
                       params={"expected": quote(",".join(probability_header))})
    return None


def _class_numbers(rows, solution: Solution, labels, fmt) -> Problem | None:
    if fmt.kind != Kind.LABEL or fmt.labels_as != LabelsAs.NAME:
        return None
    if any(label.isdecimal() for label in labels):
        return None  # the names are numbers: nothing to tell apart
    body = _data_rows(rows, fmt.expected_header(labels))
    if not body or not all(len(row) == 2 and row[1].isdecimal()
                           and int(row[1]) < len(labels) for row in body):
        return None
    order = ", ".join(f"{index} = {label}" for index, label in
                      enumerate(labels[:ORDER_SHOWN]))
    if len(labels) > ORDER_SHOWN:
        order += ", …"
    return Problem("hint_class_numbers", params={"order": order})


def _header_missing(rows, solution: Solution, labels, fmt) -> Problem | None:
    expected = fmt.expected_header(labels)
    first = rows[0]
    if fmt.header != Header.REQUIRED or tuple(first) == expected:
        return None
    if len(first) == len(expected) and solution.row_of(first[0]) is not None:
        return Problem("hint_header_missing", params={"expected": ",".join(expected)})
    return None
