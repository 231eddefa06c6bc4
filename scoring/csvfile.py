"""Reading an uploaded CSV into rows that remember their line numbers."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from .compression import unpack
from .problems import InvalidFile, Problem


@dataclass(frozen=True)
class Row:
    line: int
    fields: list[str]


def decode(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped, gzip and zip are unpacked), or InvalidFile
    saying what the bytes are instead."""
    data = unpack(data)
    if not data.strip():
        raise InvalidFile([Problem("empty_file")])
    if b"\x00" in data:
        raise InvalidFile([Problem("binary_file")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InvalidFile([Problem(_encoding_code(data), line=line)]) from None


def _encoding_code(data: bytes) -> str:
    try:
        data.decode("cp932")
    except UnicodeDecodeError:
        return "not_utf8"
    return "shift_jis"


def read_rows(text: str) -> Iterator[Row]:
    """Non-blank CSV records, each with the line it starts on (1-based)."""
    # strict: a quotation mark left open is an error at the end, not one silent huge field.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next_line = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error:
            # An unclosed quote swallows the rest of the file into one huge field.
            raise InvalidFile([Problem("csv_syntax", line=next_line)]) from None
        line, next_line = next_line, reader.line_num + 1
        if not fields or (len(fields) == 1 and not fields[0].strip(" \t")):
            continue
        # Only spaces and tabs are trimmed, as the fast path does: an ideographic space
        # (U+3000) stays part of the value, on both paths.
        yield Row(line=line, fields=[value.strip(" \t") for value in fields])
