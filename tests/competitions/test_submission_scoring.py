"""Scoring a submission (the service and its Celery task): idempotent, and every failure
ends `failed` with a reason."""

import pytest
from django.core.files.base import ContentFile
from django.db import OperationalError

from competitions import rescoring, services, submission_scoring
from competitions.events import submission_finished
from competitions.models import Submission
from competitions.models.submission import MAX_SCORING_ATTEMPTS
from competitions.rescoring import solution_replace
from competitions.tasks import score_submission_task
from tests.conftest import SOLUTION_CSV, TRUE_LABELS, perfect_csv, submission_csv
from tests.factories import make_submission

# The solution with one label fixed: a rescore changes that image's answer.
FIXED_SOLUTION = SOLUTION_CSV.replace("img_01.png,いぬ,Public".encode(),
                                      "img_01.png,とり,Public".encode())


def test_task_scores_a_queued_submission(competition, alice_joined):
    submission = make_submission(competition, alice_joined, perfect_csv())
    assert score_submission_task(submission.pk) == "scored"
    submission.refresh_from_db()
    assert (submission.public_score, submission.private_score) == (1.0, 1.0)


def test_a_second_message_for_a_finished_submission_changes_nothing(competition, alice_joined):
    submission = make_submission(competition, alice_joined, perfect_csv())
    score_submission_task(submission.pk)
    finished_at = Submission.objects.get().finished_at
    assert score_submission_task(submission.pk) == "skipped"
    assert Submission.objects.get().finished_at == finished_at


def test_a_message_for_a_deleted_submission_is_ignored(db):
    assert score_submission_task(987654) == "skipped"


def test_a_connection_lost_after_the_score_is_saved_still_records_and_announces_it_once(
        transactional_db, competition, alice_joined, monkeypatch):
    # Transactional: the service closes the lost connection, as a worker outside a test's
    # transaction does.
    submission = make_submission(competition, alice_joined, perfect_csv())
    real_record, calls, announced = submission_scoring.record_rescore_result, [], []

    def record_after_a_database_restart(finished):
        calls.append(finished.pk)
        if len(calls) == 1:
            raise OperationalError("terminating connection due to administrator command")
        real_record(finished)

    def listener(sender, submission, rescore, **kwargs):
        announced.append((submission.pk, submission.status, rescore))

    monkeypatch.setattr(submission_scoring, "record_rescore_result",
                        record_after_a_database_restart)
    submission_finished.connect(listener)
    try:
        assert score_submission_task(submission.pk) == "scored"
    finally:
        submission_finished.disconnect(listener)
    assert calls == [submission.pk, submission.pk]
    assert announced == [(submission.pk, Submission.Status.SCORED, False)]
    assert Submission.objects.get().status == Submission.Status.SCORED


def test_a_connection_lost_while_closing_a_rescore_run_still_closes_it_and_announces_a_rescore(
        transactional_db, competition, alice_joined, monkeypatch,
        django_capture_on_commit_callbacks):
    submission = make_submission(competition, alice_joined, submission_csv(TRUE_LABELS))
    assert score_submission_task(submission.pk) == "scored"
    with django_capture_on_commit_callbacks(execute=False):  # the worker is called below
        run = solution_replace(competition=competition, content=FIXED_SOLUTION, reason="fix")
    real_finish, calls, announced = rescoring._finish, [], []

    def finish_after_a_database_restart(finished_run):
        calls.append(finished_run.pk)
        if len(calls) == 1:  # the audit record is saved; closing the run is cut
            raise OperationalError("terminating connection due to administrator command")
        real_finish(finished_run)

    def listener(sender, submission, rescore, **kwargs):
        announced.append(rescore)

    monkeypatch.setattr(rescoring, "_finish", finish_after_a_database_restart)
    submission_finished.connect(listener)
    try:
        assert score_submission_task(submission.pk) == "scored"
    finally:
        submission_finished.disconnect(listener)
    run.refresh_from_db()
    assert calls == [run.pk, run.pk]
    assert run.finished_at is not None and run.ranks_after is not None
    assert announced == [True]
    assert run.records.get().new_status == Submission.Status.SCORED


def run_task(submission_id: int):
    """Run the task in-process as a worker would, retries included (eagerly)."""
    return score_submission_task.apply(args=[submission_id])


def test_failure_on_our_side_is_retried_then_failed_without_quoting_the_solution(
        competition, alice_joined):
    competition.solution_file.save("s.csv", ContentFile("id,label,usage\nx,秘密のラベル,Public\n"
                                                        .encode()))
    submission = make_submission(competition, alice_joined, perfect_csv())
    result = run_task(submission.pk)
    submission.refresh_from_db()
    assert result.get() == "failed"
    assert submission.attempts == MAX_SCORING_ATTEMPTS
    assert [problem["code"] for problem in submission.problems] == ["internal_error"]
    assert "秘密" not in submission.error
    assert services.submissions_left_today(competition=competition,
                                           team=alice_joined.team) == 5


def test_passing_failure_on_our_side_is_retried_until_it_scores(
        competition, alice_joined, monkeypatch):
    submission = make_submission(competition, alice_joined, perfect_csv())
    real_open, calls = submission.file.storage.open, []

    def flaky_open(name, mode="rb"):
        calls.append(name)
        if len(calls) == 1:
            raise OSError("storage hiccup")
        return real_open(name, mode)

    monkeypatch.setattr(submission.file.storage, "open", flaky_open)
    assert run_task(submission.pk).get() == "scored"
    submission.refresh_from_db()
    assert (submission.status, submission.attempts) == (Submission.Status.SCORED, 2)


def test_submission_whose_workers_keep_dying_fails_for_good(competition, alice_joined):
    submission = make_submission(competition, alice_joined, perfect_csv())
    Submission.objects.filter(pk=submission.pk).update(attempts=MAX_SCORING_ATTEMPTS)
    assert score_submission_task(submission.pk) == "failed"
    assert Submission.objects.get().problems[0]["code"] == "internal_error"


def test_missing_submission_file_fails_with_a_reason(competition, alice_joined):
    submission = make_submission(competition, alice_joined, perfect_csv())
    submission.file.storage.delete(submission.file.name)
    run_task(submission.pk)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.FAILED
    assert "error on our side" in submission.error


def test_a_rescore_during_scoring_wins_over_the_stale_result(competition, alice_joined):
    submission = make_submission(competition, alice_joined, perfect_csv())
    assert submission.claim_for_scoring()
    Submission.objects.get(pk=submission.pk).mark_queued()  # the organizer rescores
    from scoring.scorer import Scores

    assert not submission.mark_scored(Scores(public=0.1, private=0.1))
    assert Submission.objects.get().status == Submission.Status.QUEUED
    assert score_submission_task(submission.pk) == "scored"
    assert Submission.objects.get().public_score == 1.0


def test_only_one_of_two_claims_succeeds(competition, alice_joined):
    make_submission(competition, alice_joined, perfect_csv())
    first, second = Submission.objects.get(), Submission.objects.get()
    assert first.claim_for_scoring()
    assert not second.claim_for_scoring()


def test_a_redelivered_message_takes_over_a_scoring_abandoned_past_the_time_limit(
        competition, alice_joined, settings):
    from datetime import timedelta

    from django.utils import timezone

    submission = make_submission(competition, alice_joined, perfect_csv())
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 5)
    Submission.objects.filter(pk=submission.pk).update(status="scoring", started_at=long_ago,
                                                       attempts=1)
    assert score_submission_task(submission.pk) == "scored"
    assert Submission.objects.get().attempts == 2
    recent = make_submission(competition, alice_joined, perfect_csv())
    Submission.objects.filter(pk=recent.pk).update(status="scoring", started_at=timezone.now())
    assert score_submission_task(recent.pk) == "skipped"  # its worker may still be at it


def test_the_tasks_keep_the_names_queued_messages_and_beat_use():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    for name in ("scoring.tasks.score_submission_task",
                 "scoring.tasks.requeue_stuck_submissions"):
        assert app.tasks[name].__module__ == "competitions.tasks"
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_a_database_gone_before_the_claim_sends_the_message_back_later(
        transactional_db, competition, alice_joined, monkeypatch):
    from django.db import OperationalError

    from competitions.submission_scoring import ScoreLater, submission_score

    submission = make_submission(competition, alice_joined, perfect_csv())

    def connection_terminated(self):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(Submission, "claim_for_scoring", connection_terminated)
    with pytest.raises(ScoreLater):
        submission_score(submission_id=submission.pk)
    assert Submission.objects.get().status == Submission.Status.QUEUED


def test_a_connection_lost_while_scoring_gives_the_claim_back_for_another_attempt(
        transactional_db, competition, alice_joined, monkeypatch):
    from django.db import OperationalError

    from competitions.submission_scoring import ScoreLater, submission_score

    submission = make_submission(competition, alice_joined, perfect_csv())

    def connection_terminated(self, scores):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Submission, "mark_scored", connection_terminated)
    with pytest.raises(ScoreLater):
        submission_score(submission_id=submission.pk)
    released = Submission.objects.get()
    assert (released.status, released.published_at) == (Submission.Status.QUEUED, None)
    monkeypatch.undo()
    assert submission_score(submission_id=submission.pk) == "scored"
