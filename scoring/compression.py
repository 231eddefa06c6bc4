"""Gzip- and zip-compressed uploads, unpacked with a ceiling (no zip bombs)."""

import gzip
import io
import zipfile
import zlib

from .problems import InvalidFile, Problem

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
# Unpacked CSVs larger than this are refused: a million rows of 20 probabilities fit.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
READ_CHUNK = 1024 * 1024


def unpack(data: bytes, max_bytes: int = MAX_UNPACKED_BYTES) -> bytes:
    """The CSV inside a .gz or a one-file .zip; any other bytes unchanged."""
    if data.startswith(GZIP_MAGIC):
        return _read_limited(lambda: gzip.GzipFile(fileobj=io.BytesIO(data)), max_bytes)
    if data.startswith(ZIP_MAGIC):
        return _unzip(data, max_bytes)
    return data


def _unzip(data: bytes, max_bytes: int) -> bytes:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in archive.infolist() if not info.is_dir()
                   and not info.filename.startswith("__MACOSX/")]
    except zipfile.BadZipFile:
        raise InvalidFile([Problem("bad_archive")]) from None
    if len(members) != 1:
        raise InvalidFile([Problem("zip_members", params={"count": len(members)})])
    return _read_limited(lambda: archive.open(members[0]), max_bytes)


def _read_limited(open_stream, max_bytes: int) -> bytes:
    # Read in chunks and stop at the ceiling: the sizes a zip header claims can lie.
    chunks, total = [], 0
    try:
        with open_stream() as stream:
            while chunk := stream.read(READ_CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    raise InvalidFile([Problem("unpacked_too_large",
                                               params={"limit_mb": max_bytes // 2**20})])
                chunks.append(chunk)
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile, NotImplementedError):
        raise InvalidFile([Problem("bad_archive")]) from None
    return b"".join(chunks)
