"""Background work of the competitions app."""

from celery import shared_task
from django.conf import settings

from .models import Competition, Standing


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
