"""Reading a zip of images without trusting it.

Nothing is ever extracted to disk under a name from the zip: members are read into memory
one at a time, after the checks below. Refused: more entries than the limit, members or a
total that unpack too large, zip-bomb compression ratios, absolute paths and `..`,
symbolic links, encrypted members. Skipped: folders and the clutter of macOS and Windows
(`__MACOSX/`, `.DS_Store`, `Thumbs.db`, hidden files).

Names: zips made by Japanese Windows store Shift_JIS (cp932) names without the UTF-8 flag,
and `zipfile` decodes those as cp437. The raw bytes are recovered and decoded again (see
`member_name`); macOS stores decomposed (NFD) names, so every name is NFC-normalised.
"""

import stat
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from django.template.defaultfilters import filesizeformat

from .limits import RATIO_CHECKED_FROM_BYTES, Limits
from .refusals import BuildRefused, quote

UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
# Info-ZIP's "Unicode Path" extra field: 7-Zip and WinRAR add the UTF-8 name there when
# the main name is in the local code page.
UNICODE_PATH_EXTRA = 0x7075
JUNK_NAMES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}
JUNK_FOLDERS = {"__MACOSX"}


@dataclass(frozen=True)
class Member:
    name: str  # decoded, NFC, a relative POSIX path
    info: zipfile.ZipInfo

    @property
    def size(self) -> int:
        return self.info.file_size

    @property
    def basename(self) -> str:
        return PurePosixPath(self.name).name


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it."""
    if info.flag_bits & UTF8_FLAG:
        name = info.orig_filename
    else:
        # zipfile decoded the raw bytes as cp437, which maps every byte: encoding back
        # gives the bytes exactly.
        raw = info.orig_filename.encode("cp437")
        name = _unicode_path(info.extra, raw) or _decode_legacy(raw)
    return unicodedata.normalize("NFC", name)


def _decode_legacy(raw: bytes) -> str:
    # UTF-8 first: valid UTF-8 is rarely anything else (cp932's kana and kanji are not),
    # and some tools write UTF-8 without setting the flag. Then Shift_JIS as Japanese
    # Windows writes it. cp437, zip's official default, decodes anything.
    for encoding in ("utf-8", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("cp437")


def _unicode_path(extra: bytes, raw: bytes) -> str | None:
    """The UTF-8 name of the Unicode Path extra field, if its checksum matches the name
    (an older tool may have renamed the member without updating it)."""
    offset = 0
    while offset + 4 <= len(extra):
        header_id, size = struct.unpack_from("<HH", extra, offset)
        body = extra[offset + 4: offset + 4 + size]
        offset += 4 + size
        if header_id == UNICODE_PATH_EXTRA and len(body) > 5 and body[0] == 1:
            (crc,) = struct.unpack_from("<I", body, 1)
            if crc == zlib.crc32(raw):
                try:
                    return body[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
    return None


def safe_path(name: str) -> str:
    """A relative POSIX path inside the zip, or a refusal for one that would leave it."""
    path = name.replace("\\", "/")
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        raise BuildRefused("unsafe_path", name=quote(name))
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise BuildRefused("unsafe_path", name=quote(name))
    return "/".join(parts)


def is_junk(path: str) -> bool:
    parts = path.split("/")
    return (parts[0] in JUNK_FOLDERS or any(part.startswith(".") for part in parts)
            or parts[-1].lower() in JUNK_NAMES)


class Archive:
    """The checked members of a zip; `read()` hands out one member's bytes."""

    def __init__(self, handle: BinaryIO, limits: Limits, display_name: str = "zip"):
        self.limits = limits
        self.display_name = display_name
        size = handle.seek(0, 2)
        handle.seek(0)
        if size > limits.max_zip_bytes:
            raise BuildRefused("zip_too_large", size=filesizeformat(size),
                               limit=filesizeformat(limits.max_zip_bytes))
        declared = _declared_entries(handle)
        # Folders and clutter count too; far more entries than files allowed means the
        # central directory alone would cost the worker its memory to read.
        if declared is not None and declared > 2 * limits.max_files + 1000:
            raise BuildRefused("too_many_files", count=declared, limit=limits.max_files)
        try:
            self.zip = zipfile.ZipFile(handle)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise BuildRefused("not_a_zip") from None
        self.members: list[Member] = []
        self.skipped: list[str] = []
        self._check(infos, size)

    def _check(self, infos: list[zipfile.ZipInfo], zip_size: int) -> None:
        limits = self.limits
        files = [info for info in infos if not info.is_dir()]
        if len(files) > limits.max_files:
            raise BuildRefused("too_many_files", count=len(files), limit=limits.max_files)
        total = 0
        for info in files:
            name = member_name(info)
            path = safe_path(name)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise BuildRefused("symlink", name=quote(name))
            if not path or is_junk(path):
                self.skipped.append(name)
                continue
            if info.flag_bits & ENCRYPTED_FLAG:
                raise BuildRefused("encrypted", name=quote(name))
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size >= RATIO_CHECKED_FROM_BYTES and ratio > limits.max_compression_ratio:
                raise BuildRefused("bomb_ratio", name=quote(name), ratio=int(ratio),
                                   limit=limits.max_compression_ratio)
            if info.file_size > limits.max_image_bytes:
                raise BuildRefused("member_too_large", name=quote(name),
                                   size=filesizeformat(info.file_size),
                                   limit=filesizeformat(limits.max_image_bytes))
            total += info.file_size
            self.members.append(Member(name=path, info=info))
        if total > limits.max_unpacked_bytes:
            raise BuildRefused("unpacked_too_large", size=filesizeformat(total),
                               limit=filesizeformat(limits.max_unpacked_bytes))
        if total >= 16 * RATIO_CHECKED_FROM_BYTES and total / max(zip_size, 1) > \
                limits.max_compression_ratio:
            raise BuildRefused("bomb_ratio", name=quote(self.display_name),
                               ratio=int(total / max(zip_size, 1)),
                               limit=limits.max_compression_ratio)

    def read(self, member: Member) -> bytes:
        """The member's bytes; never more than its declared size (checked above)."""
        try:
            with self.zip.open(member.info) as handle:
                data = handle.read(member.info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
                RuntimeError):
            raise BuildRefused("damaged_member", name=quote(member.name)) from None
        if len(data) != member.info.file_size:
            raise BuildRefused("damaged_member", name=quote(member.name))
        return data

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _declared_entries(handle: BinaryIO) -> int | None:
    """The entry count of the end-of-central-directory record, read before zipfile parses
    the whole directory. zipfile's own reader of that record is private: if it ever goes,
    the per-file limit after parsing still holds."""
    reader = getattr(zipfile, "_EndRecData", None)
    if reader is None:
        return None
    try:
        record = reader(handle)
    except (OSError, ValueError, struct.error):
        return None
    finally:
        handle.seek(0)
    if not record:
        return None
    return record[zipfile._ECD_ENTRIES_TOTAL]
