"""A real Celery worker process scores uploads through the configured broker."""

import pytest
from django.test import Client
from django.urls import reverse

from competitions.models import Submission
from competitions.selectors import public_leaderboard
from tests.conftest import TEST_IDS, TRUE_LABELS, submission_csv, upload, wait_for

pytestmark = pytest.mark.worker


def finished(submission_id):
    submission = Submission.objects.get(pk=submission_id)
    return submission if not submission.is_pending else None


def test_uploaded_file_is_scored_by_the_worker_and_reaches_the_leaderboard(
        celery_worker_process, competition, alice, alice_joined):
    client = Client()
    client.force_login(alice)
    # Public rows are the first four: three of them right.
    predictions = ["ねこ"] + TRUE_LABELS[1:]
    response = client.post(reverse("submission_new", args=[competition.slug]),
                           {"file": upload(submission_csv(predictions)), "description": "cnn"})
    assert response.status_code == 302
    submission = wait_for(lambda: finished(Submission.objects.get().pk))

    assert submission.status == Submission.Status.SCORED
    assert submission.public_score == 0.75
    assert submission.private_score == 1.0
    assert submission.started_at <= submission.finished_at
    rows = public_leaderboard(competition)
    assert [(row.team_name, row.score) for row in rows] == [("alice", 0.75)]
    page = client.get(reverse("leaderboard", args=[competition.slug])).content.decode()
    assert "0.75000" in page


@pytest.mark.parametrize(("content", "expected"), [
    (submission_csv(TRUE_LABELS[:9], TEST_IDS[:9]) + f"{TEST_IDS[0]},いぬ\n".encode(),
     ['line 11: id "img_01.png" appears twice (first on line 2).', "missing 1 id: img_10.png."]),
    (submission_csv(["cat"] + TRUE_LABELS[1:]), ['line 2: unknown label "cat".']),
])
def test_bad_file_fails_with_its_line_named(celery_worker_process, competition, alice,
                                            alice_joined, content, expected):
    client = Client()
    client.force_login(alice)
    client.post(reverse("submission_new", args=[competition.slug]), {"file": upload(content)})
    submission = wait_for(lambda: finished(Submission.objects.get().pk))
    assert submission.status == Submission.Status.FAILED
    assert submission.problem_messages() == expected
    page = client.get(reverse("submission_list", args=[competition.slug])).content.decode()
    assert expected[0].replace('"', "&quot;") in page
