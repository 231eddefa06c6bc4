"""The zip is read without trusting it, and Japanese names come out right."""

import io
import stat
import struct
import unicodedata
import zipfile
import zlib

import pytest

from competitions.builder.archive import Archive
from competitions.builder.layout import inventory
from competitions.builder.limits import Limits
from competitions.builder.refusals import BuildRefused
from tests.imagezips import JAPANESE_CLASSES, cp932_zip, folder_entries, image_bytes, make_zip

DEFAULT_LIMITS = Limits()


def read(data: bytes, limits: Limits = DEFAULT_LIMITS):
    with Archive(io.BytesIO(data), limits) as archive:
        return inventory(archive, limits)


def refusal(data: bytes, limits: Limits = DEFAULT_LIMITS) -> BuildRefused:
    with pytest.raises(BuildRefused) as raised:
        read(data, limits)
    return raised.value


def test_class_folders_named_in_japanese_become_the_labels():
    found = read(make_zip(folder_entries(JAPANESE_CLASSES, 5)))
    assert found.labels == sorted(JAPANESE_CLASSES)
    assert len(found.images) == 15


def test_shift_jis_names_of_japanese_windows_zips_come_out_right():
    data = cp932_zip(folder_entries(JAPANESE_CLASSES, 5))
    raw = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    assert not raw.flag_bits & 0x800
    assert raw.filename != "カブトムシ/カブトムシ_000.png"  # zipfile alone gets it wrong
    found = read(data)
    assert found.labels == sorted(JAPANESE_CLASSES)
    assert found.images[0].member.name in {f"{label}/{label}_000.png"
                                           for label in JAPANESE_CLASSES}


def test_macos_decomposed_names_are_normalised():
    entries = {unicodedata.normalize("NFD", name): data
               for name, data in folder_entries(["ダンゴムシ", "ワラジムシ"], 5).items()}
    assert "ダンゴムシ" not in next(iter(entries))
    assert read(make_zip(entries)).labels == ["ダンゴムシ", "ワラジムシ"]


def test_the_unicode_path_field_of_7zip_wins_over_the_legacy_name():
    class LegacyInfo(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):  # noqa: N802
            return self.filename.encode(), self.flag_bits & ~0x800

    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, data in folder_entries(["class_b"], 5).items():
            archive.writestr(name, data)
        for number in range(5):
            legacy = f"class_a/legacy{number}.png"
            info = LegacyInfo(legacy)
            real = f"ワラジムシ/{number}.png".encode()
            body = b"\x01" + struct.pack("<I", zlib.crc32(legacy.encode())) + real
            info.extra = struct.pack("<HH", 0x7075, len(body)) + body
            archive.writestr(info, image_bytes(100 + number))
    assert read(output.getvalue()).labels == ["class_b", "ワラジムシ"]


def test_a_folder_around_the_class_folders_is_not_a_class():
    entries = {f"自由研究/{name}": data for name, data in folder_entries(per_class=5).items()}
    assert read(make_zip(entries)).labels == ["dangomushi", "warajimushi"]


def test_macos_and_windows_clutter_is_skipped():
    entries = {**folder_entries(per_class=5), "__MACOSX/dangomushi/._a.png": b"junk",
               "dangomushi/.DS_Store": b"junk", "warajimushi/Thumbs.db": b"junk"}
    found = read(make_zip(entries))
    assert len(found.images) == 10
    assert len(found.skipped) == 3


@pytest.mark.parametrize("name", ["../escape.png", "dangomushi/../../escape.png",
                                  "/etc/escape.png", "C:/escape.png", "..\\escape.png"])
def test_paths_that_leave_the_folder_are_refused(name):
    entries = {**folder_entries(per_class=5), name: image_bytes(99)}
    assert refusal(make_zip(entries)).code == "unsafe_path"


def test_symbolic_links_are_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, data in folder_entries(per_class=5).items():
            archive.writestr(name, data)
        link = zipfile.ZipInfo("dangomushi/link.png")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    refused = refusal(output.getvalue())
    assert refused.code == "symlink"
    assert refused.message() == "dangomushi/link.png is a symbolic link; links are not allowed."


def test_a_zip_bomb_is_refused_by_its_compression_ratio_without_unpacking_it():
    entries = {**folder_entries(per_class=5), "dangomushi/bomb.bmp": bytes(50 * 1024 * 1024)}
    refused = refusal(make_zip(entries))
    assert refused.code == "bomb_ratio"
    assert "dangomushi/bomb.bmp is compressed" in refused.message()


def test_too_many_files_are_refused():
    refused = refusal(make_zip(folder_entries(per_class=6)), Limits(max_files=10))
    assert refused.message() == "The zip holds 12 files; the limit is 10."


def test_a_zip_larger_than_the_limit_is_refused():
    assert refusal(make_zip(folder_entries(per_class=6)), Limits(max_zip_bytes=1000)).code \
        == "zip_too_large"


def test_an_unpacked_total_over_the_limit_is_refused():
    assert refusal(make_zip(folder_entries(per_class=6)), Limits(max_unpacked_bytes=1000)
                   ).code == "unpacked_too_large"


def test_an_encrypted_member_is_refused():
    data = bytearray(make_zip(folder_entries(per_class=5)))
    # zipfile cannot encrypt: set the "encrypted" bit in every local and central header.
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + flag_offset] |= 0x1
            start = data.find(signature, start + 4)
    assert refusal(bytes(data)).code == "encrypted"


def test_a_file_that_is_not_a_zip_is_refused():
    assert refusal(b"PK\x03\x04 not really a zip" * 10).message() == \
        "The file is not a zip archive."


def test_a_file_that_is_not_an_image_is_refused_by_name():
    entries = {**folder_entries(per_class=5), "dangomushi/notes.txt": b"hello"}
    assert refusal(make_zip(entries)).message() == \
        "dangomushi/notes.txt is not a JPEG, PNG, WebP, GIF or BMP image."


def test_a_single_class_is_refused():
    refused = refusal(make_zip(folder_entries(["dangomushi"], 8)))
    assert refused.message() == ("Only one class was found (“dangomushi”): a classification "
                                 "task needs at least two.")


def test_images_outside_any_class_folder_are_refused():
    entries = {**folder_entries(per_class=5), "stray.png": image_bytes(99)}
    assert refusal(make_zip(entries)).code == "outside_class_folder"


def test_a_label_longer_than_the_limit_is_refused():
    entries = folder_entries(["a" * 60, "b"], 5)
    assert refusal(make_zip(entries)).message() == \
        f"The label “{'a' * 50}” is 60 characters long; the limit is 50."


def test_an_empty_label_is_refused():
    entries = {"images/a.png": image_bytes(1), "images/b.png": image_bytes(2),
               "labels.csv": b"file,label\nimages/a.png,x\nimages/b.png,  \n"}
    assert refusal(make_zip(entries)).message() == "labels.csv:3: the label is empty."


def test_a_label_with_a_comma_is_refused():
    assert refusal(make_zip(folder_entries(["a,b", "c"], 5))).code == "label_characters"
