"""Which submissions a user may see, download and act on."""

from django.db.models import F, Q, QuerySet

from ..models import Submission, Team
from .competitions import visible_competitions
from .errors import Hidden
from .people import is_superuser, organized_competitions


def visible_submissions(user) -> QuerySet[Submission]:
    """Their team's own submissions in competitions they may see, and every submission of
    the competitions they organize. Nobody else's, by any route."""
    submissions = Submission.objects.select_related("competition", "team", "submitted_by")
    if is_superuser(user):
        return submissions
    if not user.is_authenticated:
        return submissions.none()
    own_teams = _own_teams(user)
    return submissions.filter(
        Q(team__in=own_teams, competition__in=visible_competitions(user))
        | Q(competition__in=organized_competitions(user)))


def team_submissions_of(user) -> QuerySet[Submission]:
    """Only their team's own submissions (to act on as a participant: mark final)."""
    if not user.is_authenticated:
        return Submission.objects.none()
    own_teams = _own_teams(user)
    return (Submission.objects.select_related("competition", "team")
            .filter(team__in=own_teams, competition__in=visible_competitions(user)))


def submission_for(user, pk: int, *, scored: bool = False) -> Submission:
    """A submission this user may see (scored ones only, if asked); Hidden otherwise."""
    submissions = visible_submissions(user).filter(pk=pk)
    if scored:
        submissions = submissions.filter(status=Submission.Status.SCORED)
    submission = submissions.first()
    if submission is None:
        raise Hidden()
    return submission


def team_submission_for(user, pk: int) -> Submission:
    """One of the user's team's submissions; Hidden otherwise (organizers do not choose
    participants' finals)."""
    submission = team_submissions_of(user).filter(pk=pk).first()
    if submission is None:
        raise Hidden()
    return submission


def _own_teams(user):
    """The teams the user entered, each through a participation in that team's own
    competition (a participation pointing at another competition's team counts for
    nothing)."""
    return Team.objects.filter(participations__user=user,
                               participations__competition=F("competition")).values("pk")
