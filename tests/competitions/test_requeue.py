"""Sending again what was lost between the upload and a worker."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from competitions import queueing
from competitions.models import Submission


def test_submissions_stuck_in_the_queue_are_sent_again(competition, alice, alice_joined,
                                                       scoring_messages):
    old = timezone.now() - timedelta(hours=1)
    stuck = Submission.objects.create(competition=competition, team=alice_joined.team,
                                      submitted_by=alice, created_at=old, queued_at=old)
    dying = Submission.objects.create(competition=competition, team=alice_joined.team,
                                      submitted_by=alice, created_at=old, queued_at=old,
                                      status=Submission.Status.SCORING, started_at=old)
    Submission.objects.create(competition=competition, team=alice_joined.team,
                              submitted_by=alice)  # fresh: left alone
    call_command("requeue_submissions", "--older-than", "60")
    assert sorted(scoring_messages) == sorted([stuck.pk, dying.pk])
    dying.refresh_from_db()
    assert dying.status == Submission.Status.QUEUED


def test_broker_outage_leaves_the_submission_queued(competition, alice_joined, monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(queueing, "publish", broker_down)
    submission = Submission.objects.create(competition=competition, team=alice_joined.team,
                                           submitted_by=alice_joined.user)
    queueing.enqueue_scoring(submission.pk)
    assert Submission.objects.get().status == Submission.Status.QUEUED


def test_the_sweeper_stamps_what_it_resends_so_it_is_not_resent_every_minute(
        competition, alice, alice_joined, scoring_messages):
    old = timezone.now() - timedelta(hours=1)
    Submission.objects.create(competition=competition, team=alice_joined.team,
                              submitted_by=alice, created_at=old, queued_at=old)
    assert queueing.submissions_requeue_stuck(older_than_seconds=60) == 1
    assert queueing.submissions_requeue_stuck(older_than_seconds=60) == 0
    assert len(scoring_messages) == 1
