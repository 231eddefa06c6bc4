"""Sending submissions to the scoring workers, and sending again what was lost.

The task is sent by its registered name, so nothing here imports the task module (whose
service imports rescoring, which imports services): no import cycle.
"""

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import Submission

logger = logging.getLogger(__name__)

# Registered when the task lived in scoring/tasks.py; kept, so that messages already in the
# broker and beat's schedule still find it.
SCORE_TASK = "scoring.tasks.score_submission_task"
SWEEP_TASK = "scoring.tasks.requeue_stuck_submissions"


def publish(submission_id: int) -> None:
    """The one place that hands a scoring message to the broker."""
    current_app.send_task(SCORE_TASK, args=[submission_id])


def enqueue_scoring(submission_id: int) -> None:
    """Send the scoring task. If the broker is down the submission stays queued and the
    sweeper sends it again later: the upload is never lost."""
    try:
        publish(submission_id)
    except Exception:
        logger.exception("Could not queue submission %s; it stays queued", submission_id)


def submissions_requeue_stuck(*, older_than_seconds: int | None = None) -> int:
    """Send again submissions queued or scoring for too long: the message was lost (broker
    down at upload) or the worker died. Scoring is idempotent, so a duplicate is harmless."""
    if older_than_seconds is None:
        older_than_seconds = settings.SUBMISSION_REQUEUE_AFTER_SECONDS
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stuck = Submission.objects.filter(
        Q(status=Submission.Status.QUEUED, queued_at__lt=cutoff)
        | Q(status=Submission.Status.SCORING, started_at__lt=cutoff))
    count = 0
    for submission in stuck:
        if submission.status == Submission.Status.SCORING:
            if not submission.release_for_retry():
                continue
        else:
            # Stamp the resend, so that the next sweep does not send it yet again.
            Submission.objects.filter(pk=submission.pk, status=Submission.Status.QUEUED
                                      ).update(queued_at=timezone.now())
        enqueue_scoring(submission.pk)
        count += 1
    if count:
        logger.warning("Requeued %s stuck submission(s)", count)
    return count
