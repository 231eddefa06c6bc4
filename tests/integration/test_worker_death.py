"""A worker killed in the middle of scoring loses nothing and counts nothing twice."""

import os
import signal

import numpy as np
import pytest
from django.core.management import call_command

from competitions.models import Submission
from competitions.services import join_competition, submission_create, submissions_left_today
from tests.conftest import start_worker, stop_worker, upload, wait_for

pytestmark = pytest.mark.worker
# Big enough that scoring (mostly parsing the solution) takes seconds, so the test can
# catch the worker in the middle of it.
ROWS = 600_000
LABELS = [f"c{number}" for number in range(20)]


def big_files() -> tuple[bytes, bytes]:
    rng = np.random.default_rng(5)
    truth = rng.integers(0, 20, ROWS)
    ids = [f"{number:07d}.png" for number in range(ROWS)]
    # Quoted ids send the solution down the precise row-by-row parse (seconds for this
    # size), which keeps the worker inside the scoring long enough to be killed there.
    solution = "id,label,usage\n" + "".join(
        f'"{i}",{LABELS[t]},{"Public" if n % 10 < 3 else "Private"}\n'
        for n, (i, t) in enumerate(zip(ids, truth, strict=True)))
    submission = "id,label\n" + "".join(f"{i},{LABELS[t]}\n"
                                        for i, t in zip(ids, truth, strict=True))
    return solution.encode(), submission.encode()


def test_worker_killed_mid_scoring_ends_scored_exactly_once_with_one_quota(
        transactional_db, make_competition, alice, tmp_path):
    solution, submission_file = big_files()
    competition = make_competition(slug="big", labels=LABELS, solution=solution,
                                   max_upload_bytes=50 * 2**20)
    participation = join_competition(competition=competition, user=alice)
    first_worker = start_worker(tmp_path / "first.log")
    try:
        submission = submission_create(competition=competition, user=alice,
                                       file=upload(submission_file))
        wait_for(lambda: Submission.objects.get(pk=submission.pk).status == "scoring",
                 interval=0.005)
        os.kill(first_worker.pid, signal.SIGKILL)  # no warm shutdown, no ack
        first_worker.wait()
    finally:
        if first_worker.poll() is None:
            stop_worker(first_worker)
    assert Submission.objects.get(pk=submission.pk).status == "scoring"

    call_command("requeue_submissions", "--older-than", "0")  # what beat runs every minute
    second_worker = start_worker(tmp_path / "second.log")
    try:
        wait_for(lambda: not Submission.objects.get(pk=submission.pk).is_pending, timeout=60)
    finally:
        stop_worker(second_worker)

    submission.refresh_from_db()
    assert submission.status == Submission.Status.SCORED
    assert (submission.public_score, submission.private_score) == (1.0, 1.0)
    assert submission.attempts == 2
    assert Submission.objects.count() == 1
    assert submissions_left_today(competition=competition, team=participation.team) == (
        competition.daily_submission_limit - 1)
