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
    changed = 0
    with transaction.atomic():
        for team in Team.objects.filter(competition=competition, is_baseline=False):
            preview = team.participations.filter(user__in=runners).exists()
            if team.is_host_preview != preview:
                Team.objects.filter(pk=team.pk).update(is_host_preview=preview)
                Standing.refresh(team.pk)
                changed += 1
    return changed
