"""How a person is named on pages: their display name, else their username."""

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _


def display_name(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    # Reads the profile without creating one: a page listing many users must not write.
    # Lists should select_related("profile") (or "user__profile") to stay one query.
    try:
        profile = user.profile
    except ObjectDoesNotExist:  # no profile yet
        return user.get_username()
    if profile.deleted_at is not None:
        return _("deleted user")
    return profile.display_name or user.get_username()


def board_names(team_ids: list[int]) -> dict[int, str]:
    """The display name of each team of one member still named after that member's
    username (as a team is at joining); a team with a chosen name, or with several
    members, keeps its own name (absent here). One query."""
    from competitions.models import Participation

    members: dict[int, list] = {}
    for participation in (Participation.objects.filter(team_id__in=team_ids)
                          .select_related("user__profile", "team")):
        members.setdefault(participation.team_id, []).append(participation)
    return {team_id: display_name(entries[0].user)
            for team_id, entries in members.items()
            if len(entries) == 1 and entries[0].team.name == entries[0].user.get_username()}


def team_name(team) -> str:
    """One team as its board row calls it (see board_names). One query."""
    return board_names([team.pk]).get(team.pk) or team.name
