"""One image in, one clean image out.

Pillow opens only the six formats the platform takes (never EPS, PSD or the rest of its
plugins); HEIC/HEIF, what iPhones save by default, through pillow-heif (libheif), which
applies the picture's own rotation when it decodes it. The size is checked from the header
before any pixel is decoded, so a small file that declares 100,000 × 100,000 pixels costs
nothing. The output is a fresh encoding of the pixels alone: EXIF (GPS positions, camera
serials), ICC profiles, XMP, PNG text and comments are dropped; the EXIF orientation is
applied first so that the picture still stands upright.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

import numpy as np
import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from .refusals import BuildRefused, quote

# Registers the "HEIF" format with Pillow; only Image.open(formats=FORMATS) below uses it.
pillow_heif.register_heif_opener()

FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "HEIF")
HEIF_SUFFIXES = {".heic", ".heif", ".hif"}
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".jpe", ".jfif", ".webp"} | HEIF_SUFFIXES
IMAGE_SUFFIXES = PHOTO_SUFFIXES | {".png", ".gif", ".bmp"}
# What a phone's or a photo app's export holds beside the photos. They are skipped (and
# listed in the build report) rather than refusing the zip: a learner's export of a
# Photos album has them whether they meant to include them or not.
COMPANION_SUFFIXES = {
    # Live Photos' video half, and videos.
    "video": {".mov", ".mp4", ".m4v", ".3gp", ".avi", ".mkv", ".webm"},
    # iOS Photos' edit instructions, XMP sidecars, Google Takeout's per-photo JSON.
    "edit": {".aae", ".xmp", ".json"},
    # RAW files (Apple ProRAW and Android's are DNG): no standard decoder in Pillow.
    "raw": {".dng", ".cr2", ".cr3", ".nef", ".arw", ".raf", ".orf", ".rw2", ".srw",
            ".pef"},
}
GRAY_MODES = {"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "F"}
JPEG_QUALITY = 90
THUMBNAIL_SIDE = 96
WHITE = (255, 255, 255, 255)


def is_image_name(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES


def companion_kind(name: str) -> str | None:
    """"video", "edit" or "raw" for the non-images of a phone export, else None."""
    suffix = PurePosixPath(name).suffix.lower()
    return next((kind for kind, suffixes in COMPANION_SUFFIXES.items()
                 if suffix in suffixes), None)


def output_format(names: list[str]) -> str:
    """One format for every image of a competition, so that a file's type never tells its
    class: JPEG when most sources are photos (JPEG, WebP, HEIC), PNG otherwise."""
    photos = sum(PurePosixPath(name).suffix.lower() in PHOTO_SUFFIXES for name in names)
    return "jpeg" if photos * 2 >= len(names) else "png"


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    digest: str  # of the decoded pixels: the same picture saved twice has the same digest
    width: int
    height: int


def clean_image(data: bytes, name: str, *, max_pixels: int, max_side: int | None,
                fmt: str, fixed_side: int | None = None) -> CleanImage:
    """Decode, check, orient, strip, optionally shrink (to `max_side`) or bring to one
    square size (`fixed_side`, centre-cropped) and re-encode one image."""
    try:
        with warnings.catch_warnings():
            # The explicit pixel check below replaces Pillow's global bomb warning.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError:
        raise BuildRefused("too_many_pixels", name=quote(name),
                           limit=f"{max_pixels:,}") from None
    except UnidentifiedImageError:
        raise BuildRefused("not_an_image", name=quote(name)) from None
    except Exception:
        raise BuildRefused("broken_image", name=quote(name)) from None
    width, height = image.size
    if width * height > max_pixels:
        raise BuildRefused("too_many_pixels", name=quote(name), limit=f"{max_pixels:,}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            side = fixed_side or max_side
            if side and image.format == "JPEG":
                # Decode at a reduced scale straight away (never below the side asked).
                image.draft("RGB" if image.mode != "L" else "L", (side, side))
            image.seek(0)  # a GIF's (or animated WebP's) first frame
            image.load()
            pixels = _plain_pixels(_upright(image))
    except BuildRefused:
        raise
    except Exception:
        raise BuildRefused("broken_image", name=quote(name)) from None
    digest = hashlib.sha256(f"{pixels.mode}{pixels.size}".encode() + pixels.tobytes()
                            ).hexdigest()
    if fixed_side:
        # Cropped rather than padded: bands of padding would show the source's shape, which
        # can tell the class as well as its size can.
        pixels = ImageOps.fit(pixels, (fixed_side, fixed_side), Image.Resampling.LANCZOS)
    elif max_side and max(pixels.size) > max_side:
        pixels.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return CleanImage(data=encode(pixels, fmt), digest=digest, width=pixels.width,
                      height=pixels.height)


def _upright(image: Image.Image) -> Image.Image:
    """Turned as its EXIF orientation says; as it is if the EXIF block is broken (the
    pixels are fine, and the block is dropped anyway)."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:
        return image


def _plain_pixels(image: Image.Image) -> Image.Image:
    """RGB, or L for grey images; transparency flattened onto white."""
    target = "L" if image.mode in GRAY_MODES else "RGB"
    has_alpha = image.mode in ("RGBA", "LA", "La", "PA", "RGBa") or (
        "transparency" in image.info)
    if has_alpha:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, WHITE)
        background.alpha_composite(rgba)
        plain = background.convert(target)
    elif image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        plain = Image.fromarray(_eight_bits(np.asarray(image)))
    else:
        plain = image.convert(target)
    plain.info = {}  # nothing of the source's metadata travels on
    return plain


def _eight_bits(values: np.ndarray) -> np.ndarray:
    """Grey values of 16 (or 32) bits as 8: the top eight bits of 16-bit images, values
    that fit in 8 bits as they are. In integers: a float64 copy of a 40-megapixel image
    would be 320 MB."""
    if values.dtype.kind == "f":
        return np.clip(values, 0, 255).astype(np.uint8)
    if values.max(initial=0) <= 255:
        return np.clip(values, 0, 255).astype(np.uint8)
    if values.dtype != np.uint16:  # mode I: 32-bit integers holding 16-bit values
        values = np.clip(values, 0, 65535).astype(np.uint16)
    return (values >> 8).astype(np.uint8)


def encode(image: Image.Image, fmt: str) -> bytes:
    output = io.BytesIO()
    if fmt == "jpeg":
        image.save(output, format="JPEG", quality=JPEG_QUALITY)
    else:
        image.save(output, format="PNG")
    return output.getvalue()


def thumbnail_png(data: bytes, side: int = THUMBNAIL_SIDE) -> bytes:
    """A square thumbnail of a cleaned image for the gallery: photos shrink smoothly,
    small images (32×32 drawings) grow with visible pixels rather than blurred."""
    with Image.open(io.BytesIO(data), formats=("JPEG", "PNG")) as image:
        method = (Image.Resampling.LANCZOS if min(image.size) >= side
                  else Image.Resampling.NEAREST)
        square = ImageOps.fit(image, (side, side), method)
        output = io.BytesIO()
        square.save(output, format="PNG", optimize=True)
    return output.getvalue()
