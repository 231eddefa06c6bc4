"""How a person is named on pages: their display name, else their username."""

import re

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

# The name a deleted account's team of one takes (accounts/deletion.py): stored in English
# and unique in its competition (" (2)" added if another team chose it); pages show it in
# the reader's language (board_names).
DELETED_TEAM_NAME = "deleted user {pk}"


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
    username (as a team is at joining), and the translated name of a deleted account's
    team of one; a team with a chosen name, or with several members, keeps its own name
    (absent here). One query."""
    from competitions.models import Participation

    members: dict[int, list] = {}
    for participation in (Participation.objects.filter(team_id__in=team_ids)
                          .select_related("user__profile", "team")):
        members.setdefault(participation.team_id, []).append(participation)
    names = {}
    for team_id, entries in members.items():
        if len(entries) != 1:
            continue
        team, user = entries[0].team, entries[0].user
        if team.name == user.get_username():
            names[team_id] = display_name(user)
        elif _is_deleted(user) and _is_deleted_team_name(team):
            # The suffix stays (" (2)"): it exists because another team chose the bare
            # name, and the two rows must not read alike.
            suffix = team.name[len(DELETED_TEAM_NAME.format(pk=team.pk)):]
            names[team_id] = _("deleted user %(number)s") % {"number": team.pk} + suffix
    return names


def _is_deleted(user) -> bool:
    try:
        return user.profile.deleted_at is not None
    except ObjectDoesNotExist:
        return False


def _is_deleted_team_name(team) -> bool:
    """The name deletion gave the team, not one a team-mate chose since."""
    base = re.escape(DELETED_TEAM_NAME.format(pk=team.pk))
    return re.fullmatch(rf"{base}( \(\d+\))?", team.name) is not None


def team_name(team) -> str:
    """One team as its board row calls it (see board_names). One query."""
    return board_names([team.pk]).get(team.pk) or team.name
