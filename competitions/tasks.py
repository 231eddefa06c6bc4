"""Background work of the competitions app."""

from celery import shared_task

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
