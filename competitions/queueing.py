"""Sending submissions to the scoring workers, and sending again what was lost.

An upload never waits on the broker: after commit the request hands the message over once,
without retries and with short socket timeouts (config/settings.py), and answers whatever
happens. `published_at` on the submission is the outbox: empty means "no message is on its
way", and the fast sweep (every few seconds, on its own queue) sends those. A submission
whose message was handed over is left alone while that message waits in the broker, unless
it has waited longer than SUBMISSION_REQUEUE_AFTER_SECONDS (the broker lost it); the same
long cutoff rescues a scoring whose worker died.

Every send first claims the submission with a compare-and-set on `published_at`, so two
senders (the upload and a sweep, two sweeps) never both send it.

The task is sent by its registered name, so nothing here imports the task module (whose
service imports rescoring, which imports services): no import cycle.
"""

import logging
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

from .models import Submission

logger = logging.getLogger(__name__)

# Registered when the task lived in scoring/tasks.py; kept, so that messages already in the
# broker and beat's schedule still find it.
SCORE_TASK = "scoring.tasks.score_submission_task"
SWEEP_TASK = "scoring.tasks.requeue_stuck_submissions"
SEND_UNSENT_TASK = "competitions.tasks.send_unsent_submissions"
# The fast sweep leaves a submission this young to its upload's own send.
UNSENT_GRACE_SECONDS = 1


def publish(submission_id: int) -> None:
    """The one place that hands a scoring message to the broker: once, no retries."""
    current_app.send_task(SCORE_TASK, args=[submission_id], retry=False)


def enqueue_scoring(submission_id: int) -> bool:
    """Send the scoring of a queued submission unless a message is already on its way.
    Never raises: if the broker is down, the submission stays queued and unsent, and the
    fast sweep sends it within seconds of the broker's return. True if sent. Nor does a
    database that drops the connection right after the upload's commit make the upload
    fail: the submission is stored, unsent, and the fast sweep sends it."""
    claimed_at = timezone.now()
    try:
        claimed = Submission.objects.filter(pk=submission_id, status=Submission.Status.QUEUED,
                                            published_at__isnull=True
                                            ).update(published_at=claimed_at)
    except DatabaseError as error:
        logger.warning("Could not mark submission %s as sent (%s); the sweeper will send it",
                       submission_id, error)
        return False
    return bool(claimed) and _send(submission_id, claimed_at)


def _send(submission_id: int, claimed_at: datetime) -> bool:
    try:
        publish(submission_id)
    except Exception as error:  # the broker's errors vary with the transport
        logger.warning("Could not send submission %s to the workers (%s); the sweeper "
                       "will", submission_id, error)
        Submission.objects.filter(pk=submission_id, published_at=claimed_at
                                  ).update(published_at=None)
        return False
    return True


def submissions_send_unsent() -> int:
    """The fast sweep: send every queued submission that has no message on its way (its
    send failed, or it was never sent). Returns how many were sent."""
    young = timezone.now() - timedelta(seconds=UNSENT_GRACE_SECONDS)
    unsent = Submission.objects.filter(status=Submission.Status.QUEUED,
                                       published_at__isnull=True, queued_at__lt=young)
    sent = 0
    for submission_id in unsent.order_by("queued_at").values_list("pk", flat=True):
        if enqueue_scoring(submission_id):
            sent += 1
        elif not Submission.objects.filter(pk=submission_id,
                                           published_at__isnull=False).exists():
            break  # the broker is still down: the next sweep tries again
    if sent:
        logger.warning("Sent %s submission(s) whose first send had failed", sent)
    return sent


def submissions_requeue_stuck(*, older_than_seconds: int | None = None) -> int:
    """The long sweep: send again a submission whose message has waited for longer than
    the cutoff (the broker lost it), and release and send again one still scoring after
    the cutoff (its worker died). The cutoff is longer than the task's hard time limit
    (settings refuse a shorter one), so a scoring still running is never taken over.
    Scoring is idempotent, so even a duplicate is harmless."""
    if older_than_seconds is None:
        older_than_seconds = settings.SUBMISSION_REQUEUE_AFTER_SECONDS
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stuck = Submission.objects.filter(
        Q(status=Submission.Status.QUEUED, published_at__lt=cutoff)
        | Q(status=Submission.Status.QUEUED, published_at__isnull=True, queued_at__lt=cutoff)
        | Q(status=Submission.Status.SCORING, started_at__lt=cutoff))
    count = 0
    for submission in stuck:
        if submission.status == Submission.Status.SCORING:
            if not submission.release_for_retry():
                continue
        # Unclaim the old send (compare-and-set: a sweep running beside this one, or the
        # message's own worker, may have changed it meanwhile), then send as usual.
        elif not Submission.objects.filter(pk=submission.pk,
                                           published_at=submission.published_at
                                           ).update(published_at=None):
            continue
        if enqueue_scoring(submission.pk):
            count += 1
    if count:
        logger.warning("Requeued %s stuck submission(s)", count)
    return count


def submission_retry_sent(submission_id: int) -> None:
    """A failure on our side was released for another attempt, and the task sent its
    retry (a message with a countdown): mark it sent, so that no sweep sends another."""
    Submission.objects.filter(pk=submission_id, status=Submission.Status.QUEUED,
                              published_at__isnull=True).update(published_at=timezone.now())
