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
        "dangomushi/notes.txt is not a JPEG, PNG, WebP, GIF, BMP or HEIC image."


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


def test_half_width_katakana_folders_keep_their_names_when_the_whole_zip_is_shift_jis():
    # The cp932 bytes of ﾈｺ (C8 BA) and ﾃｽ (C3 BD) are valid UTF-8 too: decoded name by
    # name, "ﾈｺ/a_0.png" became "Ⱥ/a_0.png" while "ﾈｺ/写真_1.png" stayed right, and one
    # class split into two.
    entries = {}
    for number in range(12):
        label = ["ﾈｺ", "ﾃｽ"][number % 2]
        name = f"{label}/a_{number}.png" if number % 4 < 2 else f"{label}/写真_{number}.png"
        entries[name] = image_bytes(number)
    assert "ﾈｺ/a_0.png".encode("cp932").decode("utf-8") == "Ⱥ/a_0.png"
    found = read(cp932_zip(entries))
    assert found.labels == sorted(["ﾈｺ", "ﾃｽ"])
    assert sorted(image.member.name for image in found.images) == sorted(entries)


def test_names_without_the_utf8_flag_that_are_all_utf8_are_read_as_utf8():
    class Utf8WithoutFlag(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):  # noqa: N802
            return self.filename.encode(), self.flag_bits & ~0x800

    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, data in folder_entries(["ダンゴムシ", "ワラジムシ"], 5).items():
            archive.writestr(Utf8WithoutFlag(name), data)
    assert read(output.getvalue()).labels == ["ダンゴムシ", "ワラジムシ"]


def lying_zip(entries: int) -> bytes:
    """A zip of `entries` empty members whose end record declares a single entry."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as archive:
        for number in range(entries):
            archive.writestr(f"d/{number}.png", b"")
    data = bytearray(output.getvalue())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 1, 1)  # entries on this disk, entries in all
    return bytes(data)


def test_a_zip_that_lies_about_its_entry_count_is_refused_before_its_directory_is_parsed(
        monkeypatch):
    data = lying_zip(20_000)
    # zipfile trusts the directory's byte size, not the count: it would read every entry.
    assert len(zipfile.ZipFile(io.BytesIO(data)).infolist()) == 20_000

    def never(*args, **kwargs):
        raise AssertionError("zipfile parsed the directory")

    monkeypatch.setattr("competitions.builder.archive.zipfile.ZipFile", never)
    refused = refusal(data, Limits(max_files=10))
    assert refused.code == "directory_too_large"
    assert "more than 10 files could need" in refused.message()


def test_a_directory_of_honest_size_for_the_limit_is_read():
    assert len(read(make_zip(folder_entries(per_class=5)), Limits(max_files=10)).images) == 10


def test_a_member_needing_an_unknown_zip_version_is_refused_as_not_a_zip():
    data = bytearray(make_zip(folder_entries(per_class=5)))
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 6, 64)  # version needed to extract: 6.4
    with pytest.raises(NotImplementedError):
        zipfile.ZipFile(io.BytesIO(bytes(data)))
    assert refusal(bytes(data)).code == "not_a_zip"


def test_a_member_whose_local_name_does_not_decode_is_refused_as_damaged():
    data = bytearray(make_zip(folder_entries(per_class=5)))
    local = data.find(b"PK\x03\x04")
    data[local + 7] |= 0x8  # the UTF-8 flag (bit 11) of the local header...
    data[local + 30] = 0xFF  # ...and a name that is not UTF-8
    with Archive(io.BytesIO(bytes(data)), DEFAULT_LIMITS) as archive:
        with pytest.raises(BuildRefused) as raised:
            archive.read(archive.members[0])
    assert raised.value.code == "damaged_member"
