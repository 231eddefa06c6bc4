"""Sending to the workers and sending again what was lost: an upload never waits on the
broker, a failed send is sent again by the fast sweep, and nothing is sent twice while its
message waits in the broker."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from competitions import queueing, services
from competitions.models import Submission
from tests.conftest import deliver, perfect_csv, upload


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(submission_id):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(queueing, "publish", refuse)


def make_queued(participation, seconds_ago: float = 0, **fields) -> Submission:
    at = timezone.now() - timedelta(seconds=seconds_ago)
    return Submission.objects.create(competition=participation.competition,
                                     team=participation.team, submitted_by=participation.user,
                                     created_at=at, queued_at=at, **fields)


def test_an_upload_while_the_broker_is_down_is_accepted_and_left_unsent(
        competition, alice, alice_joined, broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.submission_create(competition=competition, user=alice,
                                                file=upload(perfect_csv()))
    submission.refresh_from_db()
    assert (submission.status, submission.published_at) == (Submission.Status.QUEUED, None)


def test_the_fast_sweep_sends_a_failed_send_once_the_broker_is_back(
        competition, alice, alice_joined, broker_down, django_capture_on_commit_callbacks,
        monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.submission_create(competition=competition, user=alice,
                                                file=upload(perfect_csv()))
    Submission.objects.filter(pk=submission.pk).update(
        queued_at=timezone.now() - timedelta(seconds=queueing.UNSENT_GRACE_SECONDS + 1))
    assert queueing.submissions_send_unsent() == 0  # still down: stays unsent
    assert Submission.objects.get().published_at is None
    sent: list[int] = []
    monkeypatch.setattr(queueing, "publish", sent.append)  # the broker is back
    assert queueing.submissions_send_unsent() == 1
    assert queueing.submissions_send_unsent() == 0
    assert sent == [submission.pk]
    assert deliver(sent) == ["scored"]


def test_a_sent_submission_is_not_sent_again_while_its_message_waits(
        alice_joined, scoring_messages):
    submission = make_queued(alice_joined, seconds_ago=60)
    assert queueing.enqueue_scoring(submission.pk)
    assert not queueing.enqueue_scoring(submission.pk)  # a second sender finds it claimed
    assert queueing.submissions_send_unsent() == 0
    assert queueing.submissions_requeue_stuck(older_than_seconds=3600) == 0
    assert scoring_messages == [submission.pk]


def test_a_message_waiting_past_the_long_cutoff_is_sent_again_once(
        alice_joined, scoring_messages):
    long_ago = timezone.now() - timedelta(hours=1)
    lost = make_queued(alice_joined, seconds_ago=3600, published_at=long_ago)
    waiting = make_queued(alice_joined, seconds_ago=3600, published_at=timezone.now())
    assert queueing.submissions_requeue_stuck(older_than_seconds=600) == 1
    assert queueing.submissions_requeue_stuck(older_than_seconds=600) == 0
    assert scoring_messages == [lost.pk]
    assert Submission.objects.get(pk=waiting.pk).published_at is not None


def test_a_scoring_abandoned_past_the_cutoff_is_released_and_sent_again(
        alice_joined, scoring_messages):
    old = timezone.now() - timedelta(hours=1)
    dying = make_queued(alice_joined, seconds_ago=3600, status=Submission.Status.SCORING,
                        started_at=old, published_at=old)
    running = make_queued(alice_joined, status=Submission.Status.SCORING,
                          started_at=timezone.now(), published_at=timezone.now())
    fresh = make_queued(alice_joined, published_at=timezone.now())
    call_command("requeue_submissions", "--older-than", "60")
    assert scoring_messages == [dying.pk]
    assert Submission.objects.get(pk=dying.pk).status == Submission.Status.QUEUED
    assert Submission.objects.get(pk=running.pk).status == Submission.Status.SCORING
    assert Submission.objects.get(pk=fresh.pk).status == Submission.Status.QUEUED


def test_a_rescore_needs_a_new_message_even_if_the_old_one_waits(
        alice_joined, scoring_messages, django_capture_on_commit_callbacks):
    submission = make_queued(alice_joined, published_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_rescore(submission=submission)
    assert scoring_messages == [submission.pk]


def test_a_retry_after_a_failure_on_our_side_is_marked_sent(alice_joined):
    submission = make_queued(alice_joined, status=Submission.Status.SCORING,
                             started_at=timezone.now(), published_at=timezone.now())
    assert submission.release_for_retry()
    assert Submission.objects.get().published_at is None  # the fast sweep would send it
    queueing.submission_retry_sent(submission.pk)  # the task's retry message is on its way
    assert Submission.objects.get().published_at is not None


def test_sweeps_have_a_queue_of_their_own():
    from django.conf import settings

    from config.celery import app

    for task in (queueing.SEND_UNSENT_TASK, queueing.SWEEP_TASK,
                 "competitions.tasks.requeue_stuck_builds"):
        assert app.amqp.router.route({}, task)["queue"].name == settings.CELERY_SWEEP_QUEUE
    assert app.amqp.router.route({}, queueing.SCORE_TASK)["queue"].name == (
        settings.CELERY_TASK_DEFAULT_QUEUE)


@pytest.mark.parametrize("cutoff", ["180", "30"])
def test_a_cutoff_not_longer_than_the_hard_time_limit_is_refused_at_start_up(cutoff):
    from django.conf import settings

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings",
             "SUBMISSION_REQUEUE_AFTER_SECONDS": cutoff},
        capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=120)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SUBMISSION_REQUEUE_AFTER_SECONDS" in result.stderr
