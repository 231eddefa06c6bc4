"""Keeping the standings right when submissions disappear (the admin's delete, or a user
deleted with everything they submitted) and when a competition's organizers change."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import Signal, receiver

from .models import Competition, Standing, Submission
from .organizers import host_previews_refresh

# Sent after the commit that made a team invitation (competitions.teams), with
# `invitation` (a TeamInvitation): the notifications app subscribes to tell the invitee.
team_invitation_created = Signal()
# Sent after the commit in which the invitee accepted or declined, with `invitation`: the
# notifications app marks the invitee's notification of it read (the bell stopped at 1).
team_invitation_answered = Signal()


@receiver(post_delete, sender=Submission)
def refresh_standing_after_delete(sender, instance: Submission, **kwargs) -> None:
    team_id = instance.team_id
    transaction.on_commit(lambda: Standing.refresh(team_id))


@receiver(m2m_changed, sender=Competition.organizers.through)
def refresh_host_previews_after_organizers_change(sender, instance, action: str, reverse: bool,
                                                  pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    # From the competition's side or the user's (user.organized_competitions.add(...)).
    competitions = (Competition.objects.filter(pk__in=pk_set or []) if reverse
                    else [instance])
    if reverse and action == "post_clear":
        competitions = Competition.objects.all()
    for competition in competitions:
        transaction.on_commit(lambda competition=competition: host_previews_refresh(
            competition=competition))
