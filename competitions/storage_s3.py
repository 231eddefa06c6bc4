"""The private storage in an S3-compatible bucket (STORAGE_URL): a module of its own, so
that boto3 is imported only where files are in a bucket (competitions.storage names it
lazily, as "competitions.storage.PrivateS3Storage" in the settings)."""

from django.urls import reverse
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """The same in a bucket: objects are written with no ACL (the bucket's own, private),
    and the URL is the staff-only view, not the bucket's address. A view that has checked
    who asks may hand out a short-lived signed URL instead (presigned_url)."""

    def url(self, name: str, parameters=None, expire=None, http_method=None) -> str:
        return reverse("staff_private_file", args=[name])

    def presigned_url(self, name: str, expire: int | None = None) -> str:
        return super().url(name, expire=expire)
