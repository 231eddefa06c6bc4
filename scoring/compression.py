"""Gzip- and zip-compressed uploads, unpacked with a ceiling (no zip bombs).

The ceiling a scoring uses is the smaller of two: what an honest submission of the
competition can unpack to (`scorer.unpack_ceiling`, from the solution's size) and the
platform's hard limit below. An archive inside an archive is refused: a file is unpacked
once, so nested bombs never multiply.
"""

import gzip
import io
import zipfile
import zlib

from .problems import InvalidFile, Problem

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
# The platform's hard limit, whatever the competition: 1,000,000 rows of 20 probabilities
# written with 10 significant digits fit.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
READ_CHUNK = 1024 * 1024


def is_archive(data: bytes) -> bool:
    return data.startswith(GZIP_MAGIC) or data.startswith(ZIP_MAGIC)


def unpack(data: bytes, max_bytes: int = MAX_UNPACKED_BYTES) -> bytes:
    """The CSV inside a .gz or a one-file .zip; any other bytes unchanged."""
    if data.startswith(GZIP_MAGIC):
        unpacked = _read_limited(lambda: gzip.GzipFile(fileobj=io.BytesIO(data)), max_bytes)
    elif data.startswith(ZIP_MAGIC):
        unpacked = _unzip(data, max_bytes)
    else:
        return data
    if is_archive(unpacked):
        raise InvalidFile([Problem("bad_archive")])
    return unpacked


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
    # BytesIO.getvalue() hands over its buffer without a copy, so the peak is the ceiling,
    # not twice it as a list of chunks joined at the end would be.
    unpacked, total = io.BytesIO(), 0
    try:
        with open_stream() as stream:
            while chunk := stream.read(READ_CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    raise InvalidFile([Problem("unpacked_too_large", params={
                        "limit_mb": f"{max_bytes / 2**20:.3g}"})])
                unpacked.write(chunk)
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile, NotImplementedError):
        raise InvalidFile([Problem("bad_archive")]) from None
    return unpacked.getvalue()
