"""A real Celery worker builds the uploaded zip; the competition then scores like any."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from competitions.models import CompetitionBuild, Submission
from tests.conftest import upload, wait_for
from tests.imagezips import JAPANESE_CLASSES, cp932_zip, folder_entries, zip_upload

pytestmark = pytest.mark.worker


def test_an_uploaded_zip_is_built_by_the_worker_then_joined_and_scored(
        celery_worker_process, alice, bob):
    host = Client()
    host.force_login(alice)
    response = host.post(reverse("build_new"), {
        "title": "ダンゴムシ", "slug": "bugs", "visibility": "public", "test_percent": 20,
        "public_percent": 30,
        "zip_file": zip_upload(cp932_zip(folder_entries(JAPANESE_CLASSES, 10)))})
    assert response.status_code == 302
    build = wait_for(lambda: CompetitionBuild.objects.filter(
        status__in=["done", "failed"]).first(), timeout=60)
    assert build.status == "done", build.error_message()
    competition = build.competition
    assert competition.labels == sorted(JAPANESE_CLASSES)

    participant = Client()
    participant.force_login(bob)
    participant.post(reverse("competition_join", args=[competition.slug]),
                     {"accept_rules": "on"})
    sample = b"".join(participant.get(reverse(
        "data_file_download", args=[competition.slug, "sample_submission.csv"])
    ).streaming_content)
    with competition.solution_file.open("rb") as handle:
        answers = {row["id"]: row["label"] for row in csv.DictReader(
            io.StringIO(handle.read().decode()))}
    ids = [line.split(",")[0] for line in sample.decode().splitlines()[1:]]
    perfect = ("id,label\n" + "".join(f"{i},{answers[i]}\n" for i in ids)).encode()
    participant.post(reverse("submission_new", args=[competition.slug]),
                     {"file": upload(perfect)})
    submission = wait_for(lambda: Submission.objects.filter(status="scored").first())
    assert submission.public_score == 1.0
