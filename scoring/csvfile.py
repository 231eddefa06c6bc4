"""Reading an uploaded CSV into rows that remember their line numbers.

The text is never held whole as a string: the bytes are checked for UTF-8 in slices and
read one line at a time, with a ceiling on a line's length, and the reader knows the byte
offset it has reached (so that `counting.py` can take over the rest of a hopeless file).
A file with one huge line or a million columns costs no more memory than its bytes.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass

from .compression import unpack
from .problems import InvalidFile, Problem

# No row of any competition comes near this (1,000 classes of probabilities is ~25,000
# characters); a longer line is refused before csv splits it into fields.
MAX_LINE_CHARS = 1024 * 1024
CHECK_SLICE = 1024 * 1024
BOM = "\ufeff".encode()


@dataclass(frozen=True)
class Row:
    line: int
    fields: list[str]


def decode(data: bytes) -> bytes:
    """The file's text as UTF-8 bytes with LF line ends (a .gz or .zip unpacked), or
    InvalidFile saying what the bytes are instead."""
    data = unpack(data)
    if not data or data.isspace():
        raise InvalidFile([Problem("empty_file")])
    if b"\x00" in data:
        raise InvalidFile([Problem("binary_file")])
    error_at = utf8_error_at(data)
    if error_at is not None:
        line = data.count(b"\n", 0, error_at) + 1
        raise InvalidFile([Problem(_encoding_code(data), line=line)])
    if b"\r" in data:
        # CRLF and old Mac CR ends count as one line end each, as csv's own reading does.
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data


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
    import codecs

    decoder = codecs.getincrementaldecoder("cp932")()
    try:
        for start in range(0, len(data), CHECK_SLICE):
            decoder.decode(data[start:start + CHECK_SLICE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "not_utf8"
    return "shift_jis"


class Lines:
    """The lines of checked text (from `decode`), one string at a time; `offset` is the
    byte where the next line starts, `number` the lines given so far."""

    def __init__(self, text: bytes):
        self.text = text
        self.offset = len(BOM) if text.startswith(BOM) else 0
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        text = self.text
        while self.offset < len(text):
            end = text.find(b"\n", self.offset)
            stop = len(text) if end == -1 else end + 1
            self.number += 1
            # A UTF-8 character takes at most 4 bytes: longer than this is too long.
            if stop - self.offset > 4 * MAX_LINE_CHARS or len(
                    line := text[self.offset:stop].decode()) > MAX_LINE_CHARS:
                raise InvalidFile([Problem("line_too_long", line=self.number,
                                           params={"limit": f"{MAX_LINE_CHARS:,}"})])
            self.offset = stop
            yield line


def read_rows(lines: Lines) -> Iterator[Row]:
    """Non-blank CSV records, each with the line it starts on (1-based)."""
    # strict: a quotation mark left open is an error at the end, not one silent huge field.
    reader = csv.reader(iter(lines), strict=True)
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
