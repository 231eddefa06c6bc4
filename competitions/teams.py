"""Teams as on Kaggle: rename, invite (by username or by a link), accept, decline, leave,
and merge two teams. Pages, the API and the CLI all call these functions.

The rules (also stated on the Team page):
- Teams form only where the organizer allows more than one member (`max_team_size`), and
  only before the end and before the team merger deadline.
- Every member may submit and choose finals; the limits count per team.
- An invitee who is still alone in a team without submissions moves over and that empty
  team goes away; one whose team has submissions asks for a merge instead.
- A member may leave while the team can still change, if they have made no submission in
  it (their submissions stay with the team); they get a team of one again. Someone alone
  in their team has nothing to leave.
- A merge moves the requesting team's members and submissions into the target team. It is
  allowed only while the merged team is within `max_team_size`, has used no more
  submissions than the daily limit × the days since the start (Kaggle's rule), and no
  more than a day's limit today nor the total limit.

Locks: every write locks the team rows it touches with select_for_update, always in the
order of their primary keys (a join first locks the competition row, as
services.join_competition does), so that two changes at once wait for each other instead
of deadlocking; a submission locks its team too (services.submission_create), so counts
read under these locks are the counts that stay true.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import policy
from .models import (
    Competition,
    MergeRequest,
    Participation,
    Standing,
    Submission,
    Team,
    TeamInvitation,
)
from .services import _unique_team_name, daily_limit, start_of_utc_day
from .signals import team_invitation_answered, team_invitation_created

SOLO = _("This competition is for individuals: teams of more than one are not allowed.")
CLOSED = _("Teams can no longer change: the competition has ended or its team merger "
           "deadline has passed.")
NAME_TAKEN = _("Another team of this competition is already called “%(name)s”.")
NAME_EMPTY = _("A team name cannot be empty.")
NO_SUCH_USER = _("There is no user called “%(username)s”.")
ALREADY_MEMBER = _("%(username)s is already in your team.")
ALREADY_INVITED = _("%(username)s already has an invitation from your team.")
RUNNERS_NOT_IN_TEAMS = _("Organizers and hosts do not join teams of their own competition.")
TEAM_FULL = _("The team has %(members)s of at most %(size)s members: there is no room.")
INVITEE_HAS_SUBMISSIONS = _("You have a team with submissions already: ask for a merge "
                            "of the two teams instead.")
INVITEE_HAS_MEMBERS = _("You are in a team with others: leave it first, or ask for a merge.")
NOT_PENDING = _("This has already been answered.")
LINK_INVALID = _("This invite link is not valid any more.")
LEAVE_ALONE = _("You are the only member of your team: there is nothing to leave.")
LEAVE_SUBMITTED = _("You have submitted in this team, so you cannot leave it (as on "
                    "Kaggle): your submissions belong to the team.")
MERGE_SELF = _("A team cannot merge with itself.")
NO_SUCH_TEAM = _("There is no team called “%(name)s” in this competition.")
MERGE_TOO_LARGE = _("Together the teams would have %(members)s members; this competition "
                    "allows at most %(size)s.")
MERGE_TOO_MANY_SUBMISSIONS = _(
    "Together the teams have used %(used)s submissions; a merged team may have used at most "
    "%(allowed)s (%(limit)s a day × %(days)s days since the start).")
MERGE_TOO_MANY_TODAY = _("Together the teams have used %(used)s submissions today; the "
                         "daily limit is %(limit)s.")
MERGE_OVER_TOTAL = _("Together the teams have used %(used)s submissions; this competition "
                     "allows %(limit)s in all.")
NOT_A_COMPETING_TEAM = _("Baselines and organizers' previews do not take part in teams.")


class TeamRefused(Exception):
    """A team change was refused: the message for people, the code for programs (the API
    maps it to a status in api/teams.py)."""

    def __init__(self, message, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class MergeNumbers:
    """What Kaggle's merge rule looks at, for the two teams together."""

    members: int
    used: int
    used_today: int
    days: int
    daily_limit: int

    @property
    def allowed(self) -> int:
        return self.daily_limit * self.days


# --- reading -----------------------------------------------------------------------------

def members(team: Team) -> list:
    """The team's users, in the order they joined."""
    return [participation.user for participation in
            team.participations.select_related("user").order_by("pk")]


def pending_invitations_received(competition: Competition, user):
    if not user.is_authenticated:
        return TeamInvitation.objects.none()
    return (TeamInvitation.objects.filter(team__competition=competition, invitee=user,
                                          status=TeamInvitation.Status.PENDING)
            .select_related("team", "invited_by"))


def pending_invitations_sent(team: Team):
    return (team.invitations.filter(status=TeamInvitation.Status.PENDING)
            .select_related("invitee", "invited_by"))


def pending_merges(team: Team) -> dict:
    pending = MergeRequest.Status.PENDING
    related = ("from_team", "to_team", "requested_by")
    return {"sent": team.merge_requests_sent.filter(status=pending).select_related(*related),
            "received": team.merge_requests_received.filter(status=pending)
            .select_related(*related)}


def invite_token(team: Team) -> str:
    """The team's invite link token, made on first need."""
    if not team.invite_token:
        Team.objects.filter(pk=team.pk, invite_token__isnull=True).update(
            invite_token=secrets.token_urlsafe(24))
        team.refresh_from_db(fields=["invite_token"])
    return team.invite_token


def team_for_token(competition: Competition, token: str) -> Team:
    team = (Team.objects.filter(competition=competition, invite_token=token).first()
            if token else None)
    if team is None:
        raise policy.Hidden(LINK_INVALID)
    return team


def used_submissions(team_ids: list[int]) -> int:
    """Failed submissions are not counted, as for the daily limit."""
    return (Submission.objects.filter(team__in=team_ids)
            .exclude(status=Submission.Status.FAILED).count())


def merge_numbers(competition: Competition, into: Team, other: Team) -> MergeNumbers:
    now = timezone.now()
    ids = [into.pk, other.pk]
    today = start_of_utc_day(now)
    # Days since the start, the start's day and today included (Kaggle counts whole days).
    days = max(1, (today - start_of_utc_day(competition.start_at)).days + 1)
    return MergeNumbers(
        members=Participation.objects.filter(team__in=ids).count(),
        used=used_submissions(ids),
        used_today=(Submission.objects.filter(team__in=ids, created_at__gte=today)
                    .exclude(status=Submission.Status.FAILED).count()),
        days=days, daily_limit=daily_limit(competition, into))


# --- changing ----------------------------------------------------------------------------

def team_rename(*, participation: Participation, name: str) -> Team:
    name = " ".join(name.split())
    if not name:
        raise TeamRefused(NAME_EMPTY, "invalid_name")
    competition = participation.competition
    with transaction.atomic():
        team = _lock(participation.team_id)[0]
        if Team.objects.filter(competition=competition, name=name).exclude(pk=team.pk).exists():
            raise TeamRefused(NAME_TAKEN % {"name": name}, "name_taken")
        team.name = name
        try:
            with transaction.atomic():
                team.save(update_fields=["name"])  # Team.save renames its standing too
        except IntegrityError:  # renamed by another team at the same moment
            raise TeamRefused(NAME_TAKEN % {"name": name}, "name_taken") from None
    return team


def replace_invite_token(*, participation: Participation) -> str:
    """A new link: the old one stops working."""
    _check_team_changes(participation.competition, participation.team)
    Team.objects.filter(pk=participation.team_id).update(
        invite_token=secrets.token_urlsafe(24))
    participation.team.refresh_from_db(fields=["invite_token"])
    return participation.team.invite_token


def invitation_create(*, participation: Participation, username: str) -> TeamInvitation:
    """Invite a user by username; they answer on the Team page, in the API or the CLI."""
    competition = participation.competition
    invitee = get_user_model().objects.filter(username=username.strip()).first()
    if invitee is None or not invitee.is_active:
        raise TeamRefused(NO_SUCH_USER % {"username": username.strip()}, "no_such_user")
    with transaction.atomic():
        team = _lock(participation.team_id)[0]
        _check_team_changes(competition, team)
        # Only the competition's own organizers and host are refused here; a superuser is
        # refused when accepting (_enter_team), so that inviting tells nobody who is one.
        if policy.named_runner(invitee, competition):
            raise TeamRefused(RUNNERS_NOT_IN_TEAMS, "organizer")
        if team.participations.filter(user=invitee).exists():
            raise TeamRefused(ALREADY_MEMBER % {"username": invitee.username}, "already_member")
        check_room(competition, team, joining=1)
        if team.invitations.filter(invitee=invitee, status=TeamInvitation.Status.PENDING
                                   ).exists():
            raise TeamRefused(ALREADY_INVITED % {"username": invitee.username},
                              "already_invited")
        invitation = TeamInvitation.objects.create(team=team, invitee=invitee,
                                                   invited_by=participation.user)
        transaction.on_commit(lambda: team_invitation_created.send(
            sender=TeamInvitation, invitation=invitation))
    return invitation


def invitation_accept(*, invitation: TeamInvitation, user) -> Participation:
    """The invitee joins the team (and the competition, accepting its rules, if they had
    not joined yet)."""
    with transaction.atomic():
        invitation = _locked_pending(
            TeamInvitation.objects.select_for_update(of=("self",)).select_related("team")
            .filter(invitee=user), invitation.pk)
        participation = _enter_team(invitation.team, user)
        invitation.record_answer(TeamInvitation.Status.ACCEPTED)
        _tell_answered(invitation)
    return participation


def join_by_link(*, competition: Competition, token: str, user) -> Participation:
    """Join the team whose invite link this is. An invitation from that team still waiting
    for the user is answered by it: accepted (its notification is then read)."""
    with transaction.atomic():
        team = team_for_token(competition, token)
        participation = _enter_team(team, user)
        waiting = TeamInvitation.objects.select_for_update().filter(
            team=team, invitee=user, status=TeamInvitation.Status.PENDING)
        for invitation in waiting:
            invitation.record_answer(TeamInvitation.Status.ACCEPTED)
            _tell_answered(invitation)
    return participation


def invitation_decline(*, invitation: TeamInvitation, user) -> TeamInvitation:
    """The invitee declines, or a member of the inviting team withdraws it."""
    with transaction.atomic():
        invitation = _locked_pending(TeamInvitation.objects.select_for_update(),
                                     invitation.pk)
        invitation.record_answer(TeamInvitation.Status.DECLINED
                                 if invitation.invitee_id == user.pk
                                 else TeamInvitation.Status.WITHDRAWN)
        if invitation.invitee_id == user.pk:
            _tell_answered(invitation)
    return invitation


def _tell_answered(invitation: TeamInvitation) -> None:
    transaction.on_commit(lambda: team_invitation_answered.send(
        sender=TeamInvitation, invitation=invitation))


def team_leave(*, participation: Participation) -> Participation:
    """Leave the team for a new team of one (see the rules at the top)."""
    competition = participation.competition
    with transaction.atomic():
        team = _lock(participation.team_id)[0]
        participation.refresh_from_db()
        if participation.team_id != team.pk:
            raise TeamRefused(NOT_PENDING, "changed")
        _check_team_changes(competition, team)
        if team.participations.count() <= 1:
            raise TeamRefused(LEAVE_ALONE, "alone")
        if team.submissions.filter(submitted_by=participation.user).exists():
            raise TeamRefused(LEAVE_SUBMITTED, "submitted")
        participation.team = Team.objects.create(
            competition=competition,
            name=_unique_team_name(competition, participation.user.get_username()))
        participation.save(update_fields=["team"])
    return participation


def merge_request_create(*, participation: Participation, team_name: str) -> MergeRequest:
    """Ask the team called `team_name` to take in the user's team."""
    competition = participation.competition
    target = Team.objects.filter(competition=competition, name=team_name.strip()).first()
    if target is None or target.is_host_preview or target.is_baseline:
        raise TeamRefused(NO_SUCH_TEAM % {"name": team_name.strip()}, "no_such_team")
    if target.pk == participation.team_id:
        raise TeamRefused(MERGE_SELF, "same_team")
    with transaction.atomic():
        mine, target = _lock(participation.team_id, target.pk)
        _check_merge(competition, into=target, other=mine)
        request, _created = MergeRequest.objects.get_or_create(
            from_team=mine, to_team=target, status=MergeRequest.Status.PENDING,
            defaults={"requested_by": participation.user, "from_team_name": mine.name})
    return request


def merge_accept(*, request: MergeRequest, user) -> Team:
    """A member of the target team accepts: the requesting team's members and submissions
    move into it, and the requesting team goes away."""
    with transaction.atomic():
        request = _locked_pending(MergeRequest.objects.select_for_update(), request.pk)
        into, other = _lock(request.to_team_id, request.from_team_id)
        if not into.participations.filter(user=user).exists():
            raise policy.Hidden()
        competition = into.competition
        _check_merge(competition, into=into, other=other)
        request.record_answer(MergeRequest.Status.ACCEPTED)
        _merge(competition, into=into, other=other)
    return into


def merge_decline(*, request: MergeRequest, user) -> MergeRequest:
    """A member of the target team declines, or a member of the requesting one withdraws."""
    with transaction.atomic():
        request = _locked_pending(MergeRequest.objects.select_for_update(), request.pk)
        mine = Participation.objects.filter(user=user, team__in=[
            request.from_team_id, request.to_team_id]).values_list("team_id", flat=True).first()
        if mine is None:
            raise policy.Hidden()
        request.record_answer(MergeRequest.Status.DECLINED if mine == request.to_team_id
                              else MergeRequest.Status.WITHDRAWN)
    return request


# --- the parts ---------------------------------------------------------------------------

def _lock(*team_ids: int) -> list[Team]:
    """Lock the teams in primary-key order; return them in the order asked. A team that
    is gone (merged away a moment ago) is refused as changed."""
    locked = {team.pk: team for team in Team.objects.select_for_update(of=("self",))
              .select_related("competition").filter(pk__in=team_ids).order_by("pk")}
    if len(locked) != len(set(team_ids)):
        raise TeamRefused(NOT_PENDING, "changed")
    return [locked[pk] for pk in team_ids]


def _locked_pending(rows: QuerySet, pk: int):
    """The invitation or merge request `pk` among `rows` (locked: a select_for_update
    queryset), refused unless it still waits for its answer."""
    row = rows.filter(pk=pk).first()
    if row is None:
        raise policy.Hidden()
    if row.status != row.Status.PENDING:
        raise TeamRefused(NOT_PENDING, "answered")
    return row


def _check_team_changes(competition: Competition, team: Team) -> None:
    if competition.max_team_size <= 1:
        raise TeamRefused(SOLO, "solo")
    if not competition.accepts_team_changes():
        raise TeamRefused(CLOSED, "teams_closed")
    if not team.is_ranked:
        raise TeamRefused(NOT_A_COMPETING_TEAM, "not_competing")


def check_room(competition: Competition, team: Team, joining: int) -> None:
    """TeamRefused ("team_full") unless `joining` more people fit in the team within
    `max_team_size`: the one rule for invitations, links and the admin's moves."""
    # A deleted account (accounts/deletion.py) keeps its submissions in the team but no
    # longer holds a place in it.
    count = team.participations.filter(user__profile__deleted_at__isnull=True).count()
    if count + joining > competition.max_team_size:
        raise TeamRefused(TEAM_FULL % {"members": count, "size": competition.max_team_size},
                          "team_full")


def _enter_team(team: Team, user) -> Participation:
    """Put `user` into `team` (locked here). Called inside a transaction."""
    competition = team.competition
    if policy.runs(user, competition):
        raise TeamRefused(RUNNERS_NOT_IN_TEAMS, "organizer")
    # As services.join_competition: joins of one competition go one at a time.
    Competition.objects.select_for_update().filter(pk=competition.pk).first()
    current = Participation.objects.filter(competition=competition, user=user).first()
    if current is not None and current.team_id == team.pk:
        raise TeamRefused(ALREADY_MEMBER % {"username": user.get_username()}, "already_member")
    ids = [team.pk] + ([current.team_id] if current else [])
    locked = _lock(*ids)
    team = locked[0]
    _check_team_changes(competition, team)
    check_room(competition, team, joining=1)
    if current is None:
        return Participation.objects.create(competition=competition, user=user, team=team,
                                            accepted_rules_at=timezone.now())
    old = locked[1]
    if old.participations.count() > 1:
        raise TeamRefused(INVITEE_HAS_MEMBERS, "has_team")
    if old.submissions.exists():
        raise TeamRefused(INVITEE_HAS_SUBMISSIONS, "has_submissions")
    current.team = team
    current.save(update_fields=["team"])
    _retire(old)  # the empty team of one goes
    return current


def _check_merge(competition: Competition, *, into: Team, other: Team) -> None:
    _check_team_changes(competition, into)
    _check_team_changes(competition, other)
    numbers = merge_numbers(competition, into, other)
    if numbers.members > competition.max_team_size:
        raise TeamRefused(MERGE_TOO_LARGE % {"members": numbers.members,
                                             "size": competition.max_team_size}, "too_large")
    if numbers.used > numbers.allowed:
        raise TeamRefused(MERGE_TOO_MANY_SUBMISSIONS % {
            "used": numbers.used, "allowed": numbers.allowed, "limit": numbers.daily_limit,
            "days": numbers.days}, "too_many_submissions")
    if numbers.used_today > numbers.daily_limit:
        raise TeamRefused(MERGE_TOO_MANY_TODAY % {"used": numbers.used_today,
                                                  "limit": numbers.daily_limit},
                          "too_many_today")
    total = competition.total_submission_limit
    if total is not None and numbers.used > total:
        raise TeamRefused(MERGE_OVER_TOTAL % {"used": numbers.used, "limit": total},
                          "over_total")


def _merge(competition: Competition, *, into: Team, other: Team) -> None:
    """Both locked. Histories and scores move; the finals stay within the limit; the
    standing is recomputed from all the submissions, so the best of both stands."""
    Participation.objects.filter(team=other).update(team=into)
    Submission.objects.filter(team=other).update(team=into)
    # Marks of both teams may add up past the limit: the earliest marks stay, as
    # Standing's final_submissions would count them.
    marked = list(Submission.objects.counted().filter(team=into, is_final=True)
                  .order_by("created_at", "pk").values_list("pk", flat=True))
    extra = marked[competition.final_submission_limit:]
    if extra:
        Submission.objects.filter(pk__in=extra).update(is_final=False)
    _retire(other)
    Standing.refresh(into.pk)


def _retire(team: Team) -> None:
    """Delete a team that has no members left. Merge requests it sent or received wait no
    more (those it sent stay, naming it, as the record of a merge); its standing and its
    invitations go with it (one row per team on the boards)."""
    MergeRequest.objects.filter(Q(from_team=team) | Q(to_team=team),
                                status=MergeRequest.Status.PENDING).update(
        status=MergeRequest.Status.WITHDRAWN, answered_at=timezone.now())
    team.delete()
