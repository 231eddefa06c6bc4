"""Deleting one's account.

The rule (also written on the page, templates/accounts/delete.html):
- The person's data goes: username (replaced by `deleted:<number>`), e-mail addresses,
  names, display name, student numbers (class rosters), password (none will work), API
  token; every session ends (an inactive account's sessions no longer sign anyone in).
  Pages name them "deleted user"; their profile page no longer exists.
- What they did in competitions stays, so that boards and team-mates' work stay whole:
  submissions remain under their team and keep their scores and ranks. A team they were
  alone in is renamed "deleted user <number>" (its name may have been theirs); a team with
  other members keeps its name, unless that is still the default one made from their
  username (then it takes a team-mate's).
- Submission files stay where they were, readable only as before (the team, the
  organizers): an account nobody can sign in to gives nobody new access.
- Competitions they host stay up, run by the site's administrators from then on.

The user row stays because submissions, teams and hosting refer to it (deleting it would
cascade into other people's boards); it is emptied instead.
"""

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from competitions.models import Participation, Standing, Team
from competitions.policy import people

from .names import DELETED_TEAM_NAME
from .profiles import profile_of

# A colon: no one can sign up under such a name (Django's username rule refuses it).
DELETED_USERNAME = "deleted:{pk}"


@transaction.atomic
def delete_account(*, user) -> None:
    # Locks the row: two deletions of the same account at once do the work once.
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    profile = profile_of(user)
    if profile.deleted_at is not None:
        return
    _rename_solo_teams(user)
    _rename_teams_named_after(user)
    user.username = DELETED_USERNAME.format(pk=user.pk)
    user.email = user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.is_active = False
    people.withdraw_every_role(user)
    user.save()
    user.emailaddress_set.all().delete()
    # A class roster's student number identifies the person as their name does.
    Participation.objects.filter(user=user).update(student_number="")
    Token.objects.filter(user=user).delete()
    profile.display_name = profile.time_zone = ""
    profile.deleted_at = timezone.now()
    profile.save(update_fields=["display_name", "time_zone", "deleted_at"])


def is_deleted(user) -> bool:
    return profile_of(user).deleted_at is not None


def _rename_solo_teams(user) -> None:
    teams = Team.objects.filter(participations__user=user, is_baseline=False)
    for team in teams.select_for_update():
        if Participation.objects.filter(team=team).exclude(user=user).exists():
            continue
        team.name = _free_team_name(team)
        team.save(update_fields=["name"])
        # The board reads the name copied onto the standing (see Standing.team_name).
        Standing.objects.filter(team=team).update(team_name=team.name)


def _rename_teams_named_after(user) -> None:
    """A team with other members keeps its name, unless that name is still the default
    one made from this user's username ("alice", "alice (2)"): that is their personal
    data, so the team takes its next member's username instead."""
    from competitions.services import _unique_team_name

    own_name = re.compile(rf"{re.escape(user.get_username())}( \(\d+\))?")
    teams = Team.objects.filter(participations__user=user, is_baseline=False)
    for team in teams.select_for_update():
        if not own_name.fullmatch(team.name):
            continue
        other = (Participation.objects.filter(team=team).exclude(user=user)
                 .select_related("user").order_by("pk").first())
        if other is None:  # a team of one: _rename_solo_teams named it
            continue
        team.name = _unique_team_name(team.competition, other.user.get_username())
        team.save(update_fields=["name"])
        Standing.objects.filter(team=team).update(team_name=team.name)


def _free_team_name(team) -> str:
    """The name "deleted user <team number>", unless another team of the competition chose
    it."""
    base = name = DELETED_TEAM_NAME.format(pk=team.pk)
    taken = Team.objects.filter(competition=team.competition_id).exclude(pk=team.pk)
    suffix = 1
    while taken.filter(name=name).exists():
        suffix += 1
        name = f"{base} ({suffix})"
    return name
