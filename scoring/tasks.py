"""The Celery side of scoring: load a submission, call the core, save the result."""

import logging

from celery import shared_task

from .problems import InvalidFile, Problem
from .scorer import score_submission

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def score_submission_task(submission_id: int) -> str:
    """Score one queued submission. Idempotent: a second message for it finds it claimed
    or finished and does nothing."""
    from competitions.models import Submission

    submission = (Submission.objects.select_related("competition")
                  .filter(pk=submission_id).first())
    if submission is None or not submission.claim_for_scoring():
        return "skipped"
    competition = submission.competition
    try:
        # A broken solution is the organizer's problem: its messages could quote hidden
        # labels, so the participant sees only the internal-error message.
        solution = competition.load_solution()
        with submission.file.open("rb") as handle:
            data = handle.read()
    except Exception:
        return _fail_on_our_side(submission)
    try:
        scores = score_submission(data, solution=solution, labels=competition.labels,
                                  metric=competition.metric, fmt=competition.submission_format,
                                  extra_metrics=competition.extra_metrics,
                                  top_k=competition.top_k)
    except InvalidFile as invalid:
        return "failed" if submission.mark_failed(invalid.problems) else "superseded"
    except Exception:  # SoftTimeLimitExceeded included.
        return _fail_on_our_side(submission)
    return "scored" if submission.mark_scored(scores) else "superseded"


def _fail_on_our_side(submission) -> str:
    # Our fault, not the participant's: say so. Failed files use no quota.
    logger.exception("Scoring submission %s failed", submission.pk)
    submission.mark_failed([Problem("internal_error")])
    return "failed"
