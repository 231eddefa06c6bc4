"""The data page's gallery: a few training images per class, taken from train.zip."""

import csv
import io
import zipfile

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from .models import Competition, GalleryImage
from .services import delete_file_after_commit

IMAGES_PER_CLASS = 6
THUMBNAIL_SIDE = 96
# Gallery images come from the organizer's zip, but a huge image must still not
# exhaust the web server's memory.
MAX_SOURCE_PIXELS = 40_000_000


def gallery_build(*, competition: Competition, per_class: int = IMAGES_PER_CLASS) -> int:
    """Replace the gallery with the first `per_class` images of each class; returns the count.

    Needs the data files `train.csv` (id,label) and `train.zip`; without them the gallery
    is left empty.
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
            if member is not None:
                thumbnails.append((order, label, _thumbnail(archive.read(member))))
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


def _thumbnail(data: bytes) -> bytes:
    Image.MAX_IMAGE_PIXELS = MAX_SOURCE_PIXELS
    with Image.open(io.BytesIO(data)) as image:
        image = image.convert("RGB")
        # Small images are enlarged with visible pixels rather than blurred.
        image = image.resize((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.NEAREST)
        output = io.BytesIO()
        image.save(output, format="PNG", optimize=True)
    return output.getvalue()
