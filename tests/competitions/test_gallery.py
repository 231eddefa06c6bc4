"""The data page's gallery: thumbnails of the first training images of each class, built
from train.zip without touching Pillow's process-wide settings, leaving out any image too
large to decode safely."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from competitions import gallery
from competitions.gallery import THUMBNAIL_SIDE, gallery_build
from competitions.models import DataFile
from tests.imagezips import image_bytes, make_zip, png_header_only


def add_data_file(competition, name: str, content: bytes) -> None:
    data_file = DataFile(competition=competition, name=name)
    data_file.file.save(name, ContentFile(content), save=False)
    data_file.save()


@pytest.fixture
def training_files(competition):
    """いぬ: two ordinary images and a 20,000 × 20,000 bomb; ねこ: a large-ish image and a
    file that is not an image."""
    images = {"dog1.png": image_bytes(1), "dog2.png": image_bytes(2),
              "bomb.png": png_header_only(20_000, 20_000),
              "cat_big.png": image_bytes(3, size=(200, 150)),
              "cat_text.png": b"not an image at all"}
    labels = ["いぬ", "いぬ", "いぬ", "ねこ", "ねこ"]
    add_data_file(competition, "train.csv", ("id,label\n" + "".join(
        f"{name},{label}\n" for name, label in zip(images, labels, strict=True))).encode())
    add_data_file(competition, "train.zip",
                  make_zip({f"train/{name}": data for name, data in images.items()}))
    return competition


def test_the_gallery_has_square_thumbnails_and_leaves_out_bombs_and_broken_files(
        training_files):
    assert gallery_build(competition=training_files) == 3
    thumbnails = list(training_files.gallery_images.order_by("order"))
    assert [image.label for image in thumbnails] == ["いぬ", "いぬ", "ねこ"]
    for thumbnail in thumbnails:
        with thumbnail.image.open("rb") as handle, Image.open(handle) as image:
            assert image.format == "PNG" and image.size == (THUMBNAIL_SIDE, THUMBNAIL_SIDE)


def test_making_a_thumbnail_leaves_pillows_global_pixel_limit_alone(monkeypatch):
    # Set (and restored after the test) so that a change is seen whatever the default.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 123_456_789)
    assert gallery._thumbnail(image_bytes(1)) is not None
    assert Image.MAX_IMAGE_PIXELS == 123_456_789


def test_an_image_over_the_gallerys_own_limit_is_left_out_before_decoding(
        training_files, monkeypatch):
    # 200 × 150 = 30,000 pixels: over a limit of 10,000; the 24 × 24 images are under it.
    monkeypatch.setattr(gallery, "MAX_SOURCE_PIXELS", 10_000)
    decoded = []
    original_load = Image.Image.load
    monkeypatch.setattr(Image.Image, "load",
                        lambda image: decoded.append(image.size) or original_load(image))
    assert gallery_build(competition=training_files) == 2
    assert (200, 150) not in decoded and (20_000, 20_000) not in decoded
    assert [image.label for image in training_files.gallery_images.all()] == ["いぬ", "いぬ"]


def test_the_thumbnail_of_a_readable_image_is_its_pixels_enlarged_without_blur():
    png = gallery._thumbnail(image_bytes(5, size=(24, 24)))
    with Image.open(io.BytesIO(png)) as image:
        # Enlarged by whole blocks (NEAREST): only the source's own colours appear.
        assert len(image.getcolors()) <= 5
