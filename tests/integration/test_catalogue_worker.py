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
