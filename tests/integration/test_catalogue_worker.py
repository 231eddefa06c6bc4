"""Every catalogue file, uploaded through the site, gets exactly its messages from a real
worker (or its score, if it is valid)."""

import pytest
from rest_framework.test import APIClient

from competitions.models import Submission
from competitions.services import SubmissionRefused, join_competition, submission_create
from tests.conftest import upload, wait_for
from tests.scoring.catalogue import ENTRIES, SOLUTION_CSV, competition_fields, content

pytestmark = pytest.mark.worker


def test_every_catalogue_file_gets_its_exact_messages_from_the_worker(
        celery_worker_process, make_competition, alice):
    competitions = {}
    submitted, refused = [], []
    for entry in ENTRIES:
        fields = competition_fields(entry)
        key = (fields["submission_kind"], fields["submission_header"],
               fields["submission_labels_as"])
        if key not in competitions:
            competitions[key] = make_competition(slug=f"catalogue-{len(competitions)}",
                                                 solution=SOLUTION_CSV,
                                                 daily_submission_limit=100, **fields)
            join_competition(competition=competitions[key], user=alice)
        try:
            submission = submission_create(competition=competitions[key], user=alice,
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
