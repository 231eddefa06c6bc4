"""Every catalogue file, uploaded through the site, gets exactly its messages from a real
worker (or its score, if it is valid)."""

import pytest
from rest_framework.test import APIClient

from competitions.models import Submission
from competitions.services import SubmissionRefused, submission_create
from tests.conftest import upload, wait_for
from tests.scoring.catalogue import ENTRIES, competitions_by_file, content

pytestmark = pytest.mark.worker


def test_every_catalogue_file_gets_its_exact_messages_from_the_worker(
        celery_worker_process, make_competition, alice):
    competitions = competitions_by_file(make_competition, alice)
    submitted, refused = [], []
    for entry in ENTRIES:
        try:
            submission = submission_create(competition=competitions[entry["file"]], user=alice,
                                           file=upload(content(entry), entry["file"]))
        except SubmissionRefused as refusal:  # refused at upload: the same words
            refused.append((entry["file"], [str(refusal)], entry["messages"]))
            continue
        submitted.append((entry, submission.pk))

    wait_for(lambda: not Submission.objects.filter(
        status__in=["queued", "scoring"]).exists(), timeout=60)
    mismatches = []
    api = APIClient()
    api.force_authenticate(alice)
    for entry, pk in submitted:
        submission = Submission.objects.get(pk=pk)
        expected_status = "failed" if entry["messages"] else "scored"
        if (submission.status, submission.problem_messages()) != (expected_status,
                                                                  entry["messages"]):
            mismatches.append((entry["file"], submission.status, submission.problem_messages()))
        # The API shows the same words, as structured problems.
        detail = api.get(f"/api/v1/submissions/{pk}/").data
        if [problem["message"] for problem in detail["problems"]] != entry["messages"]:
            mismatches.append((entry["file"], "api", detail["problems"]))
    assert mismatches == []
    assert [(name, got) for name, got, expected in refused if got != expected] == []
    assert [name for name, _, _ in refused] == ["empty.csv"]


def test_each_mistake_file_gets_its_hint_in_japanese_from_the_worker_and_the_api(
        celery_worker_process, make_competition, alice):
    from django.utils import translation

    from tests.competitions.test_mistake_hints import HINTED, japanese

    competitions = competitions_by_file(make_competition, alice)
    submitted = [(entry, submission_create(
        competition=competitions[entry["file"]], user=alice,
        file=upload(content(entry), entry["file"])).pk) for entry in HINTED]
    wait_for(lambda: not Submission.objects.filter(
        status__in=["queued", "scoring"]).exists(), timeout=60)
    api = APIClient()
    api.force_authenticate(alice)
    mismatches = []
    for entry, pk in submitted:
        expected = japanese(entry["messages"][0])
        with translation.override("ja"):
            shown = Submission.objects.get(pk=pk).problem_messages()[0]
        answered = api.get(f"/api/v1/submissions/{pk}/", HTTP_ACCEPT_LANGUAGE="ja").data
        if (shown, answered["problems"][0]["message"]) != (expected, expected):
            mismatches.append((entry["file"], shown, answered["problems"][0]["message"]))
    assert mismatches == [] and len(submitted) == len(HINTED) >= 7
