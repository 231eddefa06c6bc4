"""Creates the object-storage bucket if it does not exist (the compose stack's migrate
step runs it); with files on disk it does nothing. The bucket is created private."""

from botocore.exceptions import ClientError
from django.core.management.base import BaseCommand

from competitions.storage import PrivateS3Storage, private_storage


class Command(BaseCommand):
    help = "Create the object-storage bucket of STORAGE_URL if it does not exist."

    def handle(self, *args, **options):
        storage = private_storage()
        if not isinstance(storage, PrivateS3Storage):
            self.stdout.write("Files are on disk: no bucket to create.")
            return
        client = storage.connection.meta.client
        try:
            client.head_bucket(Bucket=storage.bucket_name)
        except ClientError as error:
            if error.response["Error"]["Code"] not in {"404", "NoSuchBucket"}:
                raise
            region = client.meta.region_name
            client.create_bucket(Bucket=storage.bucket_name, **(
                {"CreateBucketConfiguration": {"LocationConstraint": region}}
                if region and region != "us-east-1" else {}))
            self.stdout.write(f"Created bucket {storage.bucket_name}.")
        else:
            self.stdout.write(f"Bucket {storage.bucket_name} exists.")
