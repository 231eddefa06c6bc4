"""Organizers and hosts never rank in their own competition: their teams are host previews,
shown on the public board like baselines, never ranked, never on the private board."""

from django.contrib.auth import get_user_model
from django.db import transaction

from . import policy
from .models import Competition, Standing, Team


def host_previews_refresh(*, competition: Competition) -> int:
    """After the organizers or the host changed: the teams of those who run the
    competition become host previews, and teams of those who no longer do compete again.
    Returns how many teams changed."""
    policy.forget_runners(competition)
    runners = get_user_model().objects.filter(policy.runners(competition))
    teams = Team.objects.filter(competition=competition, is_baseline=False)
    # Two queries whatever the number of teams: only the teams whose flag is wrong change.
    run_by_runners = teams.filter(participations__user__in=runners).values("pk")
    to_preview = teams.filter(pk__in=run_by_runners, is_host_preview=False)
    to_compete = teams.filter(is_host_preview=True).exclude(pk__in=run_by_runners)
    with transaction.atomic():
        changed = [(pk, True) for pk in to_preview.values_list("pk", flat=True)]
        changed += [(pk, False) for pk in to_compete.values_list("pk", flat=True)]
        for pk, preview in changed:
            Team.objects.filter(pk=pk).update(is_host_preview=preview)
            Standing.refresh(pk)
    return len(changed)
