"""Generated images and zips of them, for the community competition tests.

Every image is different (its colour and a few pixels come from its number), so that no
two are duplicates unless a test makes them so.
"""

import io
import struct
import zipfile
import zlib
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

CLASSES = ["dangomushi", "warajimushi"]
JAPANESE_CLASSES = ["ダンゴムシ", "ワラジムシ", "カブトムシ"]


def image_bytes(number: int = 0, fmt: str = "PNG", size: tuple[int, int] = (24, 24),
                exif: bytes | None = None, **save) -> bytes:
    """A small picture, different for every number."""
    image = Image.new("RGB", size, ((number * 37) % 256, (number * 91) % 256, 128))
    for offset in range(4):
        image.putpixel(((number + offset) % size[0], (number // size[0] + offset) % size[1]),
                       (255 - offset, number % 256, 0))
    output = io.BytesIO()
    if exif is not None:
        save["exif"] = exif
    image.save(output, format=fmt, **save)
    return output.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that declares a huge size: the decompression bomb's header."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b""))


def gps_exif() -> bytes:
    """EXIF with a GPS position (Tokyo Station) and a camera serial number."""
    exif = Image.Exif()
    exif[0x0110] = "KompeCam"  # model
    exif[0xA431] = "SERIAL-12345"  # body serial number
    exif[0x8825] = {1: "N", 2: (35.0, 40.0, 52.0), 3: "E", 4: (139.0, 46.0, 1.0)}
    return exif.tobytes()


def make_zip(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return output.getvalue()


def folder_entries(classes=CLASSES, per_class: int = 8, fmt: str = "PNG",
                   start: int = 0) -> dict[str, bytes]:
    """One folder per class, `per_class` distinct images in each."""
    suffix = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif", "BMP": "bmp"}[fmt]
    entries, number = {}, start
    for label in classes:
        for index in range(per_class):
            entries[f"{label}/{label}_{index:03d}.{suffix}"] = image_bytes(number, fmt)
            number += 1
    return entries


def folder_zip(classes=CLASSES, per_class: int = 8, fmt: str = "PNG") -> bytes:
    return make_zip(folder_entries(classes, per_class, fmt))


def csv_zip(classes=CLASSES, per_class: int = 8) -> bytes:
    """Images in one folder and a labels.csv (file,label) beside them."""
    entries, rows, number = {}, ["file,label"], 0
    for label in classes:
        for _ in range(per_class):
            name = f"images/img_{number:04d}.png"
            entries[name] = image_bytes(number)
            rows.append(f"{name},{label}")
            number += 1
    entries["labels.csv"] = ("\n".join(rows) + "\n").encode()
    return make_zip(entries)


class Cp932ZipInfo(zipfile.ZipInfo):
    """A member named as Japanese Windows' Explorer names it: Shift_JIS bytes, no UTF-8
    flag."""

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's name)
        return self.filename.encode("cp932"), self.flag_bits & ~0x800


def cp932_zip(entries: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(Cp932ZipInfo(name, date_time=(2024, 5, 1, 12, 0, 0)), data)
    return output.getvalue()


def zip_upload(data: bytes, name: str = "images.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def stored_files() -> set[str]:
    """Every file in private storage (solutions, data files, galleries, uploads)."""
    root = Path(settings.PRIVATE_ROOT)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


SOURCE_MARKER = "secretname"


def named_zip(classes=JAPANESE_CLASSES, per_class=10) -> bytes:
    """Class folders whose file names give the label away, as people's files do."""
    return make_zip({f"{label}/{SOURCE_MARKER}_{label}_{n}.jpg": image_bytes(i * 50 + n, "JPEG")
                     for i, label in enumerate(classes) for n in range(per_class)})
