"""Files in an S3-compatible bucket (moto's S3 server on loopback, MinIO's place in
production): a worker process whose working folder and files folder are empty scores
uploads; the bucket holds no public object; nobody reaches a file but through the views
that check who asks."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from competitions.models import Submission
from competitions.storage import private_storage
from config.settings import object_storage_options
from tests.conftest import (
    TRUE_LABELS,
    database_url,
    skip_or_fail,
    stop_worker,
    submission_csv,
    upload,
    wait_for,
)

from .processes import start_worker
from .stack import free_port

pytestmark = pytest.mark.worker

BUCKET = "kompe-test-files"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "kompe-test", "AWS_SECRET_ACCESS_KEY": "kompe-test-secret"}
PUBLIC_GRANTEES = {"http://acs.amazonaws.com/groups/global/AllUsers",
                   "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    executable = Path(sys.executable).with_name("moto_server")
    if not executable.exists():
        skip_or_fail("moto[server] is not installed (pip install -e '.[dev]')")
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as output:
        server = subprocess.Popen([str(executable), "-H", "127.0.0.1", "-p", str(port)],
                                  stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("moto's S3 server did not start:\n" + log.read_text())
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(10)


@pytest.fixture
def bucket(s3_server, settings, monkeypatch):
    """STORAGES pointed at a fresh bucket, as STORAGE_URL would point them."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    storage_url = f"s3://{BUCKET}?endpoint_url={s3_server}&region_name=us-east-1"
    private = {"BACKEND": "competitions.storage.PrivateS3Storage",
               "OPTIONS": object_storage_options(storage_url, None)}
    settings.STORAGES = {**settings.STORAGES, "default": private, "private": private}
    yield client, storage_url
    for found in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=found["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def worker_without_local_files(bucket, transactional_db, tmp_path):
    """A real Celery worker that shares no folder with the web side: its working folder
    and its files folders are empty, and it has the code only through PYTHONPATH."""
    _, storage_url = bucket
    workdir, files = tmp_path / "workdir", tmp_path / "files"
    workdir.mkdir()
    files.mkdir()
    from django.db import connection

    env = {**os.environ, **CREDENTIALS, "STORAGE_URL": storage_url,
           "DATABASE_URL": database_url(connection.settings_dict),
           "PRIVATE_ROOT": str(files / "private"),
           "MEDIA_ROOT": str(files / "media")}
    log_path = tmp_path / "worker.log"
    worker = start_worker(env, workdir, log_path, "s3")
    yield workdir, files
    stop_worker(worker)
    print(log_path.read_text()[-3000:])


def everything_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_a_worker_with_empty_folders_scores_an_upload_kept_in_the_bucket(
        bucket, worker_without_local_files, competition, alice, alice_joined):
    client_s3, _ = bucket
    workdir, files = worker_without_local_files
    alice_client = Client()
    alice_client.force_login(alice)
    predictions = submission_csv(["ねこ"] + TRUE_LABELS[1:])
    response = alice_client.post(reverse("submission_new", args=[competition.slug]),
                                 {"file": upload(predictions)})
    assert response.status_code == 302

    submission = wait_for(lambda: Submission.objects.filter(
        status=Submission.Status.SCORED).first(), timeout=60)
    assert (submission.public_score, submission.private_score) == (0.75, 1.0)
    keys = {found["Key"] for found in client_s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert {submission.file.name, competition.solution_file.name} <= keys
    # The worker read both from the bucket: nothing of them is on its disk.
    assert everything_under(workdir) == [] and everything_under(files) == []
    assert not Path(settings.PRIVATE_ROOT, submission.file.name).exists()
    # Its author downloads it through the view that checks who asks.
    download = alice_client.get(reverse("submission_file", args=[submission.pk]))
    assert b"".join(download.streaming_content) == predictions


def test_the_bucket_holds_no_public_object_and_files_have_no_public_url(
        bucket, competition, alice, alice_joined, mallory):
    client_s3, _ = bucket
    from tests.conftest import scored_upload

    submission = scored_upload(competition, alice, submission_csv(TRUE_LABELS))
    objects = client_s3.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert len(objects) >= 2
    for found in objects:
        grants = client_s3.get_object_acl(Bucket=BUCKET, Key=found["Key"])["Grants"]
        assert not {grant["Grantee"].get("URI") for grant in grants} & PUBLIC_GRANTEES
    bucket_grants = client_s3.get_bucket_acl(Bucket=BUCKET)["Grants"]
    assert not {grant["Grantee"].get("URI") for grant in bucket_grants} & PUBLIC_GRANTEES

    # The URL a file reports is the staff-only view, never the bucket's address.
    solution_url = competition.solution_file.url
    assert solution_url == reverse("staff_private_file", args=[competition.solution_file.name])
    assert "127.0.0.1" not in solution_url and BUCKET not in solution_url
    snoop = Client()
    snoop.force_login(mallory)
    # Only the competition's organizers reach its files by that view: to anyone else the
    # file does not exist (competitions.policy).
    assert snoop.get(solution_url).status_code == 404
    assert snoop.get(reverse("submission_file", args=[submission.pk])).status_code == 404
    # A signed URL exists only when a view that checked asks for one, and it expires.
    signed = private_storage().presigned_url(submission.file.name, expire=60)
    assert "Signature" in signed and "Expires=" in signed


def test_a_backup_copies_the_bucket_and_a_restore_fills_an_empty_bucket(bucket, settings,
                                                                        tmp_path):
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    client, storage_url = bucket
    stored = {"solutions/1/答え.csv": b"id,label\n", "submissions/1/2/a.csv": b"id,label\nx,y\n",
              "data/1/train.zip": bytes(range(256)) * 4000}
    for name, content in stored.items():
        assert private_storage().save(name, ContentFile(content)) == name
    call_command("backup", str(tmp_path / "backup"), "--no-database")

    client.create_bucket(Bucket=f"{BUCKET}-restored")
    restored = {"BACKEND": "competitions.storage.PrivateS3Storage", "OPTIONS": {
        **object_storage_options(storage_url, None), "bucket_name": f"{BUCKET}-restored"}}
    settings.STORAGES = {**settings.STORAGES, "default": restored, "private": restored}
    try:
        call_command("restore", str(tmp_path / "backup"), "--no-database")
        for name, content in stored.items():
            with private_storage().open(name, "rb") as handle:
                assert handle.read() == content
        objects = client.list_objects_v2(Bucket=f"{BUCKET}-restored")["Contents"]
        assert sorted(item["Key"] for item in objects) == sorted(stored)
    finally:
        for found in client.list_objects_v2(Bucket=f"{BUCKET}-restored").get("Contents", []):
            client.delete_object(Bucket=f"{BUCKET}-restored", Key=found["Key"])
        client.delete_bucket(Bucket=f"{BUCKET}-restored")
