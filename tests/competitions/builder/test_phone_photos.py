"""A phone's photos are taken as they are: HEIC decoded, turned upright, stripped to their
pixels; the videos, edit files and RAW files of a phone export are skipped and listed."""

import io
import zipfile

import pillow_heif
import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from competitions.builder.archive import Archive
from competitions.builder.images import clean_image
from competitions.builder.layout import inventory
from competitions.builder.limits import Limits
from competitions.builder.refusals import BuildRefused
from competitions.models import CompetitionBuild
from tests.imagezips import folder_entries, gps_exif, image_bytes, make_zip

RED, BLUE = (220, 30, 30), (30, 30, 220)
# EXIF orientation 6: the stored pixels are to be turned 90° clockwise for display, as a
# phone held upright saves them.
ROTATE_CLOCKWISE = 6
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 64
AAE = (b'<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict>'
       b"<key>adjustmentFormatIdentifier</key><string>com.apple.photo</string></dict></plist>")


def upright_picture(number: int) -> Image.Image:
    """32 wide, 48 tall: red on top, blue below, and a shade that differs per number."""
    picture = Image.new("RGB", (32, 48), BLUE)
    picture.paste(Image.new("RGB", (32, 24), RED), (0, 0))
    picture.paste(Image.new("RGB", (8, 8), (number * 13 % 256, 200, number * 7 % 256)),
                  (12, 20))
    return picture


def heic_photo(number: int, *, rotated: bool) -> bytes:
    """A HEIC as an iPhone saves it, with a GPS position and a camera serial; `rotated`
    stores the pixels on their side with the EXIF orientation that turns them upright."""
    picture = upright_picture(number)
    exif = Image.Exif()
    exif.load(gps_exif())
    if rotated:
        # Orientation 6 displays the stored pixels turned 90° clockwise: store them turned
        # 90° counter-clockwise.
        picture = picture.transpose(Image.Transpose.ROTATE_90)
        exif[0x0112] = ROTATE_CLOCKWISE
    heif = pillow_heif.from_pillow(picture)
    output = io.BytesIO()
    heif.save(output, quality=95, exif=exif.tobytes())
    return output.getvalue()


def heic_zip(per_class: int = 6) -> bytes:
    return make_zip({f"{label}/IMG_{index:04d}.HEIC": heic_photo(number, rotated=index % 2 == 0)
                     for number, (label, index) in enumerate(
                         (label, index) for label in ("dangomushi", "warajimushi")
                         for index in range(per_class))})


def assert_upright_jpeg_without_metadata(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (32, 48)
    top, bottom = image.convert("RGB").getpixel((4, 4)), image.convert("RGB").getpixel((4, 44))
    assert top[0] > 150 and top[2] < 100, top
    assert bottom[2] > 150 and bottom[0] < 100, bottom
    assert not image.getexif()
    assert not {"exif", "icc_profile", "xmp"} & set(image.info)
    assert b"KompeCam" not in data and b"SERIAL-12345" not in data


def test_the_heic_test_photos_really_are_heic_with_the_orientation_in_them():
    data = heic_photo(1, rotated=True)
    assert data[4:12] in (b"ftypheic", b"ftypmif1")
    assert b"KompeCam" in data


@pytest.mark.parametrize("rotated", [False, True])
def test_a_heic_photo_comes_out_an_upright_jpeg_without_metadata(rotated):
    clean = clean_image(heic_photo(3, rotated=rotated), "bugs/IMG_0003.HEIC",
                        max_pixels=40_000_000, max_side=None, fmt="jpeg")
    assert_upright_jpeg_without_metadata(clean.data)


def test_a_zip_of_heic_photos_becomes_a_competition_of_upright_jpegs_without_metadata(
        build, alice):
    done = build(alice, heic_zip())
    assert done.status == CompetitionBuild.Status.DONE, done.error_message()
    assert done.report["format"] == "JPEG"
    competition = done.competition
    seen = 0
    for name in ("train.zip", "test.zip"):
        with competition.data_files.get(name=name).file.open("rb") as handle:
            archive = zipfile.ZipFile(io.BytesIO(handle.read()))
            for member in archive.namelist():
                assert member.endswith(".jpg")
                assert_upright_jpeg_without_metadata(archive.read(member))
                seen += 1
    assert seen == 12


def phone_export() -> dict[str, bytes]:
    """What an iPhone's Photos export holds: photos, their Live Photo videos, edit files, a
    ProRAW file."""
    entries = folder_entries(per_class=6, fmt="JPEG")
    entries["dangomushi/IMG_0001.HEIC"] = heic_photo(40, rotated=True)
    entries["dangomushi/IMG_0001.MOV"] = MOV
    entries["dangomushi/IMG_0001.AAE"] = AAE
    entries["warajimushi/IMG_0002.mp4"] = MOV
    entries["warajimushi/IMG_0003.DNG"] = b"II*\x00" + b"\x00" * 64
    return entries


def test_a_phone_export_with_videos_and_edit_files_builds_and_lists_what_was_skipped(
        client, build, alice):
    done = build(alice, make_zip(phone_export()))
    assert done.status == CompetitionBuild.Status.DONE, done.error_message()
    assert done.report["not_images"] == {
        "edit": ["dangomushi/IMG_0001.AAE"],
        "raw": ["warajimushi/IMG_0003.DNG"],
        "video": ["dangomushi/IMG_0001.MOV", "warajimushi/IMG_0002.mp4"]}
    assert done.report["images"] == 13
    client.force_login(alice)
    page = client.get(reverse("build_status", args=[done.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 videos (such as the video halves of Live Photos) were skipped" in page
    assert "dangomushi/IMG_0001.MOV" in page and "warajimushi/IMG_0003.DNG" in page
    assert "1 RAW photo (.dng or a camera's own format) was skipped" in page


def test_the_build_page_tells_a_japanese_host_what_was_skipped_in_japanese(
        client, build, alice):
    done = build(alice, make_zip(phone_export()))
    client.force_login(alice)
    page = client.get(reverse("build_status", args=[done.pk]),
                      HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "動画" in page and "RAW" in page
    assert "dangomushi/IMG_0001.AAE" in page


def test_the_command_lists_the_skipped_files(db, tmp_path, capsys):
    path = tmp_path / "export.zip"
    path.write_bytes(make_zip(phone_export()))
    call_command("create_competition_from_images", str(path), "--slug", "phone",
                 "--title", "Phone", "--seed", "1")
    out = capsys.readouterr().out
    assert "skipped, not a photo (video): dangomushi/IMG_0001.MOV, warajimushi/IMG_0002.mp4" \
        in out


def read(entries: dict[str, bytes]):
    limits = Limits()
    with Archive(io.BytesIO(make_zip(entries)), limits) as archive:
        return inventory(archive, limits)


def test_a_labels_csv_that_names_a_live_photo_video_skips_it_rather_than_refusing():
    entries = {f"photos/{n}.jpg": image_bytes(n, "JPEG") for n in range(8)}
    entries["photos/IMG_9.MOV"] = MOV
    rows = [f"{n}.jpg,{'ab'[n % 2]}" for n in range(8)] + ["IMG_9.MOV,a"]
    entries["photos/labels.csv"] = ("file,label\n" + "\n".join(rows) + "\n").encode()
    found = read(entries)
    assert len(found.images) == 8
    assert found.not_images == {"video": ["photos/IMG_9.MOV"]}


def test_a_zip_of_videos_only_is_refused_as_having_no_images():
    with pytest.raises(BuildRefused) as refused:
        read({"a/IMG_1.MOV": MOV, "b/IMG_2.MOV": MOV})
    assert refused.value.code == "no_images"


def test_a_file_that_is_neither_an_image_nor_part_of_a_phone_export_is_still_refused():
    with pytest.raises(BuildRefused) as refused:
        read({**folder_entries(per_class=5), "dangomushi/report.docx": b"PK"})
    assert refused.value.message() == \
        "dangomushi/report.docx is not a JPEG, PNG, WebP, GIF, BMP or HEIC image."
