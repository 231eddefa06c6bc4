"""Reading a zip of images without trusting it.

Nothing is ever extracted to disk under a name from the zip: members are read into memory
one at a time, after the checks below. Refused: more entries than the limit, members or a
total that unpack too large, zip-bomb compression ratios, absolute paths and `..`,
symbolic links, encrypted members. Skipped: folders and the clutter of macOS and Windows
(`__MACOSX/`, `.DS_Store`, `Thumbs.db`, hidden files).

Names: zips made by Japanese Windows store Shift_JIS (cp932) names without the UTF-8 flag,
and `zipfile` decodes those as cp437. The raw bytes are recovered and decoded again with
one encoding for the whole archive (see `legacy_encoding`); macOS stores decomposed (NFD)
names, so every name is NFC-normalised.
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


def _raw_name(info: zipfile.ZipInfo) -> bytes:
    # zipfile decoded the raw bytes as cp437, which maps every byte: encoding back gives
    # the bytes exactly.
    return info.orig_filename.encode("cp437")


def legacy_encoding(infos: list[zipfile.ZipInfo]) -> str:
    """One encoding for every name without the UTF-8 flag (nor a Unicode Path field).

    Deciding name by name goes wrong: the cp932 bytes of some half-width katakana (ﾈｺ is
    C8 BA) are valid UTF-8 too, so one folder could come out as two labels. A tool writes
    all its names in one code page: UTF-8 if every name decodes as UTF-8 (some tools omit
    the flag; cp932's kanji and full-width kana are rarely valid UTF-8), else Shift_JIS as
    Japanese Windows writes it if every name decodes so, else cp437, zip's official
    default, which decodes anything.
    """
    raws = [_raw_name(info) for info in infos
            if not info.flag_bits & UTF8_FLAG and _unicode_path(info.extra, _raw_name(info))
            is None]
    for encoding in ("utf-8", "cp932"):
        try:
            for raw in raws:
                raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return "cp437"


def member_name(info: zipfile.ZipInfo, encoding: str = "utf-8") -> str:
    """The member's name as its author wrote it; `encoding` is the archive's
    `legacy_encoding`, for names without the UTF-8 flag."""
    if info.flag_bits & UTF8_FLAG:
        name = info.orig_filename
    else:
        raw = _raw_name(info)
        name = _unicode_path(info.extra, raw) or raw.decode(encoding, errors="replace")
    return unicodedata.normalize("NFC", name)


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
        _check_directory(handle, limits)
        try:
            self.zip = zipfile.ZipFile(handle)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
                NotImplementedError):
            # NotImplementedError: a member needs a newer zip version than zipfile knows
            # (version-needed-to-extract above 6.3); ValueError covers undecodable names.
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
        encoding = legacy_encoding(files)
        for info in files:
            name = member_name(info, encoding)
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
                RuntimeError, ValueError):
            # ValueError (UnicodeDecodeError among them): a local header whose name does
            # not decode; the rest: damaged data, or a method or flag zipfile lacks.
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


# The fixed part of a central directory entry, and a generous allowance for its name and
# extra fields: no honest zip of the allowed number of entries needs more.
DIRECTORY_ENTRY_BYTES = 46 + 512


def max_entries(limits: Limits) -> int:
    # Folders and clutter are entries too: a zip may hold more entries than files.
    return 2 * limits.max_files + 1000


def _check_directory(handle: BinaryIO, limits: Limits) -> None:
    """Refuse a zip whose central directory is too large before zipfile reads it: zipfile
    parses entries until the directory's byte size runs out, whatever entry count the end
    record declares, so a lying count would cost the process its memory and minutes."""
    record = _end_record(handle)
    if record is None:
        return  # not a zip at all, or zipfile's private reader is gone: ZipFile decides
    entries, size = record[zipfile._ECD_ENTRIES_TOTAL], record[zipfile._ECD_SIZE]
    if entries > max_entries(limits):
        raise BuildRefused("too_many_files", count=entries, limit=limits.max_files)
    if size > max_entries(limits) * DIRECTORY_ENTRY_BYTES:
        raise BuildRefused("directory_too_large", size=filesizeformat(size),
                           limit=limits.max_files)


def _end_record(handle: BinaryIO) -> list | None:
    """The end-of-central-directory record (zip64's when there is one), read before
    zipfile parses the whole directory. zipfile's own reader of that record is private:
    if it ever goes, the per-file limit after parsing still holds."""
    reader = getattr(zipfile, "_EndRecData", None)
    if reader is None:
        return None
    try:
        record = reader(handle)
    except (OSError, ValueError, struct.error):
        return None
    finally:
        handle.seek(0)
    return record or None
