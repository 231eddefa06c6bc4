"""What the host of a community competition does on the site: change its texts, dates,
limits and visibility, replace the invite code, close it. Participants join an
invitation-only competition through its invite."""

from django.db import transaction

from .models import Competition, Participation
from .services import join_competition
from .tasks import rebuild_standings_task

# What a host may change. The labels, the metric and the data come from the build.
HOST_FIELDS = ["title", "short_description", "overview", "evaluation", "rules", "start_at",
               "end_at", "daily_submission_limit", "total_submission_limit",
               "final_submission_limit", "feedback_while_open"]


@transaction.atomic
def competition_update(*, competition: Competition, changes: dict) -> Competition:
    """Save the host's changes (validated by the host's form)."""
    finals_changed = ("final_submission_limit" in changes and changes["final_submission_limit"]
                      != competition.final_submission_limit)
    for field in HOST_FIELDS:
        if field in changes:
            setattr(competition, field, changes[field])
    if "visibility" in changes:
        competition.set_visibility(changes["visibility"])
    competition.full_clean()
    competition.save(update_fields=[*HOST_FIELDS, "visibility", "invite_code"])
    if finals_changed:
        transaction.on_commit(lambda: rebuild_standings_task.delay(competition.pk))
    return competition


@transaction.atomic
def competition_close(*, competition: Competition) -> None:
    competition.close()


@transaction.atomic
def invite_code_replace(*, competition: Competition) -> None:
    competition.replace_invite_code()


def join_by_invite(*, competition: Competition, user) -> Participation:
    """The invite is the permission: whoever holds it joins like anyone joins a public
    competition (rules accepted, a team of one)."""
    return join_competition(competition=competition, user=user)
