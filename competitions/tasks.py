"""Background work of the competitions app."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from .models import Competition, Standing
from .queueing import (
    SCORE_TASK,
    SEND_UNSENT_TASK,
    SWEEP_TASK,
    submission_retry_sent,
    submissions_requeue_stuck,
    submissions_send_unsent,
)
from .submission_scoring import ScoreLater, submission_score

logger = logging.getLogger(__name__)


# Time limits: the settings' (CELERY_TASK_SOFT_TIME_LIMIT, CELERY_TASK_TIME_LIMIT).
@shared_task(bind=True, name=SCORE_TASK, acks_late=True, reject_on_worker_lost=True,
             max_retries=None)
def score_submission_task(self, submission_id: int) -> str:
    """Score one submission (see submission_scoring.py); a failure on our side comes back
    after a delay as a retry of this task."""
    try:
        return submission_score(submission_id=submission_id)
    except ScoreLater as later:
        # If the broker refuses the retry, Celery drops this message (Reject) and the
        # submission stays queued and unsent: the fast sweep sends it.
        retry = self.retry(countdown=later.countdown, throw=False)
        try:
            submission_retry_sent(submission_id)
        except DatabaseError:
            # The retry is on its way; unmarked, a sweep may send a duplicate (harmless).
            logger.warning("Submission %s: retry sent but not marked", submission_id)
        raise retry from None


@shared_task(name=SEND_UNSENT_TASK)
def send_unsent_submissions() -> int:
    """The fast sweep (Celery beat, every few seconds): send what the upload could not."""
    return submissions_send_unsent()


@shared_task(name=SWEEP_TASK)
def requeue_stuck_submissions() -> int:
    """The long sweep (Celery beat): send again what was lost in the broker or with a
    worker that died."""
    return submissions_requeue_stuck()


@shared_task(acks_late=True)
def rebuild_standings_task(competition_id: int) -> int:
    """Every team's standing again, after a change that touches all of them (the number of
    final submissions). About 3 ms per team: too long for an admin request at 10,000 teams.
    Returns the number of standings."""
    competition = Competition.objects.filter(pk=competition_id).first()
    if competition is None:
        return 0
    Standing.rebuild(competition)
    return competition.standings.count()


# Building reads every image of the zip: minutes at most, within the build time limit.
@shared_task(acks_late=True, reject_on_worker_lost=True,
             soft_time_limit=settings.COMMUNITY_BUILD_TIME_LIMIT,
             time_limit=settings.COMMUNITY_BUILD_TIME_LIMIT + 30)
def build_competition_task(build_id: int) -> str:
    """Build one community competition from its zip (see builder/service.py)."""
    from .builder.service import build_run

    return build_run(build_id=build_id)


@shared_task
def requeue_stuck_builds() -> int:
    """The periodic sweeper (Celery beat) for builds lost on the way."""
    from .builder.service import builds_requeue_stuck

    return builds_requeue_stuck()


# An import copies every data file of the bundle: within its own, longer time limit.
@shared_task(acks_late=True, reject_on_worker_lost=True,
             soft_time_limit=settings.BUNDLE_IMPORT_TIME_LIMIT,
             time_limit=settings.BUNDLE_IMPORT_TIME_LIMIT + 30)
def import_bundle_task(job_id: int) -> str:
    """Import one competition bundle, or run a competition again (see bundles/jobs.py)."""
    from .bundles.jobs import import_run

    return import_run(job_id=job_id)


@shared_task
def requeue_stuck_bundle_imports() -> int:
    """The periodic sweeper (Celery beat) for bundle imports lost on the way."""
    from .bundles.jobs import imports_requeue_stuck

    return imports_requeue_stuck()
