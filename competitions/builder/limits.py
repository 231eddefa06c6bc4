"""How much a zip of images may ask of the platform. Every limit is a setting (see
config/settings.py and the README), read when a build starts."""

from dataclasses import dataclass

from django.conf import settings

# Below this size a member's compression ratio does not matter: a flat-colour BMP of a
# few hundred kilobytes honestly compresses a hundredfold.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
# labels.csv is read whole: a few hundred thousand rows at most.
MAX_LABELS_CSV_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_zip_bytes: int = 200 * 1024 * 1024
    max_files: int = 5000
    max_unpacked_bytes: int = 1024 * 1024 * 1024
    max_image_bytes: int = 20 * 1024 * 1024
    max_compression_ratio: int = 100
    max_image_pixels: int = 40_000_000
    min_images_per_class: int = 5
    max_classes: int = 100
    max_label_length: int = 50

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_zip_bytes=settings.COMMUNITY_MAX_ZIP_BYTES,
            max_files=settings.COMMUNITY_MAX_FILES,
            max_unpacked_bytes=settings.COMMUNITY_MAX_UNPACKED_BYTES,
            max_image_bytes=settings.COMMUNITY_MAX_IMAGE_BYTES,
            max_compression_ratio=settings.COMMUNITY_MAX_COMPRESSION_RATIO,
            max_image_pixels=settings.COMMUNITY_MAX_IMAGE_PIXELS,
            min_images_per_class=settings.COMMUNITY_MIN_IMAGES_PER_CLASS,
            max_classes=settings.COMMUNITY_MAX_CLASSES,
            max_label_length=settings.COMMUNITY_MAX_LABEL_LENGTH,
        )
