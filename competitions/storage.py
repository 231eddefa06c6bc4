"""Where uploaded files live. The private storage has no URL: only views that check
who is asking hand its files out."""

import uuid
from pathlib import PurePosixPath

from django.core.files.storage import FileSystemStorage, storages
from django.urls import reverse


class PrivateStorage(FileSystemStorage):
    """Files no public URL serves. The only URL of a file here is a staff-only view (for
    the admin's links); participants get their files through views that check who asks."""

    def url(self, name: str) -> str:
        return reverse("staff_private_file", args=[name])


def private_storage():
    return storages["private"]


def _suffix(filename: str) -> str:
    # Only a short ASCII suffix is kept; the participant's own name is stored separately.
    suffix = PurePosixPath(filename).suffix.lower()
    return suffix if suffix.isascii() and len(suffix) <= 8 else ""


def data_file_path(instance, filename: str) -> str:
    return f"competitions/{instance.competition.slug}/data/{uuid.uuid4().hex}{_suffix(filename)}"


def solution_path(instance, filename: str) -> str:
    return f"competitions/{instance.slug}/solution/{uuid.uuid4().hex}.csv"


def gallery_path(instance, filename: str) -> str:
    return f"competitions/{instance.competition.slug}/gallery/{uuid.uuid4().hex}.png"


def submission_path(instance, filename: str) -> str:
    return (f"competitions/{instance.competition.slug}/submissions/"
            f"{instance.team_id}/{uuid.uuid4().hex}{_suffix(filename)}")


def build_upload_path(instance, filename: str) -> str:
    """A zip waiting to become a community competition (deleted once it has)."""
    return f"builds/{uuid.uuid4().hex}.zip"
