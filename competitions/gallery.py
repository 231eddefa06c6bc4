"""The data page's gallery: a few training images per class, taken from train.zip."""

import csv
import io
import zipfile

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from .models import Competition, GalleryImage
from .services import delete_file_after_commit

IMAGES_PER_CLASS = 6
THUMBNAIL_SIDE = 96
# Gallery images come from the organizer's zip, but a huge image must still not
# exhaust the web server's memory. Checked per image from its header, never by changing
# Pillow's process-wide Image.MAX_IMAGE_PIXELS: that would change the limit for every
# other image read in the same process (the competition builder's, the kit's).
MAX_SOURCE_PIXELS = 40_000_000


def gallery_build(*, competition: Competition, per_class: int = IMAGES_PER_CLASS) -> int:
    """Replace the gallery with the first `per_class` images of each class; returns the count.

    Needs the data files `train.csv` (id,label) and `train.zip`; without them the gallery
    is left empty. An image that is too large or cannot be read is left out.
    """
    files = {data_file.name: data_file for data_file in competition.data_files.all()}
    if "train.csv" not in files or "train.zip" not in files:
        return 0
    chosen = _first_ids_per_class(files["train.csv"], competition.labels, per_class)
    thumbnails = []
    with files["train.zip"].file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        by_basename = {name.rsplit("/", 1)[-1]: name for name in archive.namelist()}
        for order, (label, image_id) in enumerate(chosen):
            member = by_basename.get(image_id)
            png = _thumbnail(archive.read(member)) if member is not None else None
            if png is not None:
                thumbnails.append((order, label, png))
    with transaction.atomic():
        for old in competition.gallery_images.all():
            delete_file_after_commit(old.image.storage, old.image.name)
            old.delete()
        for order, label, png in thumbnails:
            image = GalleryImage(competition=competition, label=label, order=order)
            image.image.save("thumb.png", ContentFile(png), save=False)
            image.save()
    return len(thumbnails)


def _first_ids_per_class(train_csv, labels, per_class) -> list[tuple[str, str]]:
    with train_csv.file.open("rb") as handle:
        rows = csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig")))
        taken: dict[str, list[str]] = {label: [] for label in labels}
        for row in rows:
            ids = taken.get(row.get("label", ""))
            if ids is not None and len(ids) < per_class:
                ids.append(row["id"])
    return [(label, image_id) for label in labels for image_id in taken[label]]


def _thumbnail(data: bytes) -> bytes | None:
    """A square PNG thumbnail, or None for an image of more than MAX_SOURCE_PIXELS (known
    from its header, before any pixel is decoded) or one that Pillow cannot read."""
    try:
        with Image.open(io.BytesIO(data)) as source:
            width, height = source.size
            if width * height > MAX_SOURCE_PIXELS:
                return None
            image = source.convert("RGB")
    except (Image.DecompressionBombError, UnidentifiedImageError, OSError):
        return None
    # Small images are enlarged with visible pixels rather than blurred.
    image = image.resize((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.NEAREST)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
