"""Where uploaded files live: a folder (PrivateStorage) or an S3-compatible bucket
(PrivateS3Storage, with STORAGE_URL or AWS_STORAGE_BUCKET_NAME; see config/settings.py).
Every file is read and written through Django's storage API, never by a path, so that a
worker on another host reads what the web server stored. The private storage has no URL:
only views that check who is asking hand its files out."""

import uuid
from pathlib import PurePosixPath

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils.functional import LazyObject, empty


class PrivateStorage(FileSystemStorage):
    """Files no public URL serves. The only URL of a file here is a staff-only view (for
    the admin's links); participants get their files through views that check who asks."""

    def url(self, name: str) -> str:
        return reverse("staff_private_file", args=[name])


class _ConfiguredPrivateStorage(LazyObject):
    """The STORAGES["private"] backend, looked up when first used rather than when the
    models are imported, so that the FileFields follow the settings (and a test that
    overrides STORAGES)."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _ConfiguredPrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty


def __getattr__(name: str):
    # PrivateS3Storage (competitions/storage_s3.py) is imported only where files are in a
    # bucket: boto3 and botocore add about 27 MB to every process that imports them.
    if name == "PrivateS3Storage":
        from .storage_s3 import PrivateS3Storage

        return PrivateS3Storage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def private_storage():
    return _private


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


def bundle_upload_path(instance, filename: str) -> str:
    """A competition bundle waiting to be imported (deleted once the import has ended)."""
    return f"bundles/{uuid.uuid4().hex}.zip"
