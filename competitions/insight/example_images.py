"""The images that the insight pages' examples show: images of the test set, read from the
competition's own test.zip (which every participant may download anyway: an image says
nothing about its label). Not the data page's gallery of training images (`gallery.py`)."""

import mimetypes
import zipfile
from functools import lru_cache
from pathlib import PurePosixPath

from ..models import Competition

TEST_ZIP = "test.zip"


def read_test_image(competition: Competition, image_id: str) -> tuple[bytes, str] | None:
    """The image's bytes and content type, or None if test.zip has no such image."""
    data_file = competition.data_files.filter(name=TEST_ZIP).first()
    if data_file is None:
        return None
    content_type = mimetypes.guess_type(image_id)[0] or ""
    # Only images, so that nothing in the zip can run as a page of the site.
    if not content_type.startswith("image/") or content_type == "image/svg+xml":
        return None
    try:
        member = _members(data_file.file.name).get(image_id)
        if member is None:
            return None
        with data_file.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
            return archive.read(member), content_type
    except zipfile.BadZipFile:
        return None


@lru_cache(maxsize=8)
def _members(stored_name: str) -> dict[str, str]:
    """Image id (the file's base name, as in the solution) → its path in the zip. Cached
    per stored file: a new upload gets a new name."""
    from ..storage import private_storage

    with private_storage().open(stored_name, "rb") as handle, \
            zipfile.ZipFile(handle) as archive:
        members = {PurePosixPath(name).name: name for name in archive.namelist()
                   if not name.endswith("/")}
        # Solution ids may be paths inside the zip ("test/0001.png") as well as names.
        members.update({name: name for name in archive.namelist()})
        return members
