"""Keeping the standings right when submissions disappear: the admin's delete, or a user
deleted with everything they submitted."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Standing, Submission


@receiver(post_delete, sender=Submission)
def refresh_standing_after_delete(sender, instance: Submission, **kwargs) -> None:
    team_id = instance.team_id
    transaction.on_commit(lambda: Standing.refresh(team_id))
