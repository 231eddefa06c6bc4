"""Reading an uploaded CSV into rows that remember their line numbers.

The text is never held whole: the bytes are checked for UTF-8 in slices and read through
a stream, one line at a time, with a ceiling on a line's length. A file with one huge
line or a million columns costs no more memory than its bytes.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from .compression import unpack
from .problems import InvalidFile, Problem

# No row of any competition comes near this (1,000 classes of probabilities is ~25,000
# characters); a longer line is refused before csv splits it into fields.
MAX_LINE_CHARS = 1024 * 1024
CHECK_SLICE = 1024 * 1024


@dataclass(frozen=True)
class Row:
    line: int
    fields: list[str]


def decode(data: bytes) -> TextIO:
    """UTF-8 text as a stream (a byte-order mark is dropped, gzip and zip are unpacked),
    or InvalidFile saying what the bytes are instead."""
    data = unpack(data)
    if not data or data.isspace():
        raise InvalidFile([Problem("empty_file")])
    if b"\x00" in data:
        raise InvalidFile([Problem("binary_file")])
    error_at = utf8_error_at(data)
    if error_at is not None:
        line = data.count(b"\n", 0, error_at) + 1
        raise InvalidFile([Problem(_encoding_code(data), line=line)])
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")


def utf8_error_at(data: bytes) -> int | None:
    """The offset of the first byte that is not UTF-8, or None; decoded a slice at a time
    so that a large file never becomes one large string."""
    if data.isascii():
        return None
    start = 0
    while start < len(data):
        stop = min(start + CHECK_SLICE, len(data))
        # Never cut a character in two: step back over continuation bytes (10xxxxxx).
        while start < stop < len(data) and data[stop] & 0xC0 == 0x80:
            stop -= 1
        if stop == start:
            stop = min(start + CHECK_SLICE, len(data))
        try:
            str(data[start:stop], "utf-8")
        except UnicodeDecodeError as error:
            return start + error.start
        start = stop
    return None


def _encoding_code(data: bytes) -> str:
    decoder = codecs.getincrementaldecoder("cp932")()
    try:
        for start in range(0, len(data), CHECK_SLICE):
            decoder.decode(data[start:start + CHECK_SLICE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "not_utf8"
    return "shift_jis"


def _lines(text: TextIO) -> Iterator[str]:
    line_number = 0
    while line := text.readline(MAX_LINE_CHARS + 1):
        line_number += 1
        if len(line) > MAX_LINE_CHARS:
            raise InvalidFile([Problem("line_too_long", line=line_number,
                                       params={"limit": f"{MAX_LINE_CHARS:,}"})])
        yield line


def read_rows(text: TextIO | str) -> Iterator[Row]:
    """Non-blank CSV records, each with the line it starts on (1-based)."""
    if isinstance(text, str):
        text = io.StringIO(text, newline="")
    # strict: a quotation mark left open is an error at the end, not one silent huge field.
    reader = csv.reader(_lines(text), strict=True)
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
