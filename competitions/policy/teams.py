"""Who may see and answer a team's invitations and merge requests: the invitee and the
inviting team's members; the members of the two teams of a merge request. To anyone else
they do not exist."""

from django.db.models import Q

from ..models import Competition, MergeRequest, TeamInvitation
from .errors import Hidden, SignInRequired


def invitation_for(user, competition: Competition, pk: int) -> TeamInvitation:
    if not user.is_authenticated:
        raise SignInRequired(competition=competition)
    invitation = (TeamInvitation.objects.select_related("team", "invitee", "invited_by")
                  .filter(Q(invitee=user) | Q(team__participations__user=user),
                          team__competition=competition, pk=pk).first())
    if invitation is None:
        raise Hidden()
    return invitation


def merge_request_for(user, competition: Competition, pk: int) -> MergeRequest:
    if not user.is_authenticated:
        raise SignInRequired(competition=competition)
    request = (MergeRequest.objects.select_related("from_team", "to_team", "requested_by")
               .filter(Q(from_team__participations__user=user)
                       | Q(to_team__participations__user=user),
                       to_team__competition=competition, pk=pk).distinct().first())
    if request is None:
        raise Hidden()
    return request
