"""Every image is decoded, checked and saved again with nothing but its pixels."""

import io

import pytest
from PIL import Image

from competitions.builder.images import clean_image, output_format, thumbnail_png
from competitions.builder.refusals import BuildRefused
from tests.imagezips import gps_exif, image_bytes, png_header_only

LIMIT = 40_000_000


def clean(data: bytes, fmt: str = "jpeg", max_side=None, name="a/x.jpg"):
    return clean_image(data, name, max_pixels=LIMIT, max_side=max_side, fmt=fmt)


def test_gps_position_and_camera_serial_are_stripped():
    source = image_bytes(1, "JPEG", exif=gps_exif())
    assert b"KompeCam" in source and Image.open(io.BytesIO(source)).getexif()
    cleaned = clean(source).data
    assert b"KompeCam" not in cleaned and b"SERIAL-12345" not in cleaned
    reopened = Image.open(io.BytesIO(cleaned))
    assert not reopened.getexif()
    assert "exif" not in reopened.info


def test_png_text_chunks_are_stripped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "taken at home, 35.68N 139.76E")
    cleaned = clean(image_bytes(2, "PNG", pnginfo=info), fmt="png").data
    assert b"35.68N" not in cleaned


def test_the_exif_orientation_is_applied_before_it_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    source = image_bytes(3, "JPEG", size=(40, 20), exif=exif.tobytes())
    result = clean(source)
    assert (result.width, result.height) == (20, 40)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "BMP", "GIF"])
def test_every_accepted_format_is_read(fmt):
    result = clean(image_bytes(4, fmt), fmt="png")
    assert Image.open(io.BytesIO(result.data)).format == "PNG"


def test_an_animated_gif_gives_its_first_frame():
    frames = [Image.new("RGB", (10, 10), colour) for colour in ("red", "blue", "green")]
    output = io.BytesIO()
    frames[0].save(output, format="GIF", save_all=True, append_images=frames[1:])
    result = Image.open(io.BytesIO(clean(output.getvalue(), fmt="png").data))
    assert result.getpixel((5, 5))[:3] == (255, 0, 0)


def test_transparency_is_flattened_onto_white():
    image = Image.new("RGBA", (8, 8), (0, 0, 0, 0))
    output = io.BytesIO()
    image.save(output, format="PNG")
    result = Image.open(io.BytesIO(clean(output.getvalue(), fmt="png").data))
    assert result.mode == "RGB" and result.getpixel((1, 1)) == (255, 255, 255)


def test_large_images_shrink_to_the_maximum_side():
    result = clean(image_bytes(5, "JPEG", size=(400, 200)), max_side=100)
    assert (result.width, result.height) == (100, 50)


def test_the_same_picture_saved_twice_has_the_same_digest():
    plain = image_bytes(6, "PNG")
    with_metadata = image_bytes(6, "PNG", exif=gps_exif())
    assert plain != with_metadata
    assert clean(plain, "png").digest == clean(with_metadata, "png").digest
    assert clean(plain, "png").digest != clean(image_bytes(7, "PNG"), "png").digest


@pytest.mark.parametrize("side", [10_000, 100_000])
def test_a_decompression_bomb_is_refused_before_decoding(side):
    with pytest.raises(BuildRefused) as refused:
        clean(png_header_only(side, side), fmt="png", name="dangomushi/bomb.png")
    assert refused.value.code == "too_many_pixels"
    assert refused.value.message().startswith("dangomushi/bomb.png has more than 40,000,000")


def test_a_file_that_is_no_image_is_refused():
    with pytest.raises(BuildRefused) as refused:
        clean(b"%!PS-Adobe-3.0 EPSF-3.0\n" + b"x" * 100, name="a/x.jpg")
    assert refused.value.message() == "a/x.jpg is not a JPEG, PNG, WebP, GIF, BMP or HEIC image."


def test_a_truncated_image_is_refused():
    data = image_bytes(8, "JPEG", size=(64, 64))
    with pytest.raises(BuildRefused) as refused:
        clean(data[:len(data) // 2], name="a/cut.jpg")
    assert refused.value.message() == "a/cut.jpg cannot be decoded as an image."


def test_one_format_for_all_so_that_the_file_type_tells_no_class():
    assert output_format(["a/1.jpg", "a/2.JPEG", "b/3.png"]) == "jpeg"
    assert output_format(["a/1.jpg", "b/2.png", "b/3.gif"]) == "png"


def test_thumbnails_are_squares_of_96_pixels():
    for size in ((24, 24), (300, 150)):
        thumbnail = Image.open(io.BytesIO(thumbnail_png(image_bytes(9, "PNG", size=size))))
        assert thumbnail.size == (96, 96)


def test_a_fixed_side_crops_the_centre_to_a_square():
    wide = Image.new("RGB", (300, 100), (255, 0, 0))
    wide.paste((0, 0, 255), (100, 0, 200, 100))  # a blue centre between red sides
    output = io.BytesIO()
    wide.save(output, format="PNG")
    cleaned = clean_image(output.getvalue(), "a/x.png", max_pixels=LIMIT, max_side=None,
                          fixed_side=50, fmt="png")
    image = Image.open(io.BytesIO(cleaned.data))
    assert image.size == (50, 50) and (cleaned.width, cleaned.height) == (50, 50)
    assert image.getpixel((10, 25)) == image.getpixel((40, 25)) == (0, 0, 255)


def test_sixteen_bit_grey_keeps_its_top_eight_bits():
    import numpy as np

    values = np.array([[0, 256, 65535, 32768]], dtype=np.uint16)
    source = io.BytesIO()
    Image.fromarray(values).save(source, format="PNG")
    assert Image.open(io.BytesIO(source.getvalue())).mode.startswith("I")
    cleaned = clean(source.getvalue(), fmt="png", name="a/x.png").data
    grey = Image.open(io.BytesIO(cleaned))
    # Pixel values through numpy: Image.getdata is deprecated since Pillow 13.
    assert grey.mode == "L" and np.asarray(grey).ravel().tolist() == [0, 1, 255, 128]
