"""Teams: show and rename, invitations, leaving, merge requests. Every change is a service
of competitions.teams; refusals answer with their `code` (TEAM_STATUS)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import policy, teams
from ..policy.drf import CompetitionScoped, CompetitionVisible, IsParticipant
from ..throttling import INVITE_SCOPE
from .schema import JOIN_FIRST, refused
from .team_serializers import (
    InvitationSerializer,
    InvitationsSerializer,
    InviteSerializer,
    MergeAskSerializer,
    MergeRequestSerializer,
    MergeRequestsSerializer,
    RenameSerializer,
    TeamSerializer,
)

TEAM_STATUS = {
    "solo": status.HTTP_403_FORBIDDEN, "teams_closed": status.HTTP_403_FORBIDDEN,
    "not_competing": status.HTTP_403_FORBIDDEN, "organizer": status.HTTP_403_FORBIDDEN,
    "no_such_user": status.HTTP_404_NOT_FOUND, "no_such_team": status.HTTP_404_NOT_FOUND,
    "invalid_name": status.HTTP_400_BAD_REQUEST,
}
# Every other refusal is a conflict with the team's present state: 409.
CLOSED = ("solo", "teams_closed", "not_competing", "organizer")
CONFLICTS_INVITE = ("already_member", "already_invited", "team_full")
CONFLICTS_ENTER = ("already_member", "team_full", "has_team", "has_submissions", "answered",
                   "changed")
CONFLICTS_MERGE = ("same_team", "too_large", "too_many_submissions", "too_many_today",
                   "over_total", "answered", "changed")


def refusal(error: teams.TeamRefused) -> Response:
    return Response({"detail": str(error.message), "code": error.code},
                    status=TEAM_STATUS.get(error.code, status.HTTP_409_CONFLICT))


def team_data(request, team) -> dict:
    return TeamSerializer(team, context={"request": request}).data


CLOSED_403 = refused(*CLOSED, why="Teams cannot change here or now (or, for `not_joined`, "
                                  "join the competition first).")


class TeamView(CompetitionScoped, APIView):
    """Your team in this competition: its members, size limit and invite link; PATCH
    `{"name": …}` renames it (names are unique within the competition)."""

    permission_classes = [permissions.IsAuthenticated, IsParticipant]
    parser_classes = [JSONParser]
    throttle_scope = "read"

    @extend_schema(responses={200: TeamSerializer, 403: JOIN_FIRST})
    def get(self, request, slug):
        return Response(team_data(request, self.get_participation().team))

    @extend_schema(request=RenameSerializer, responses={
        200: TeamSerializer, 403: JOIN_FIRST,
        409: refused("name_taken", why="Another team has this name.")})
    def patch(self, request, slug):
        incoming = RenameSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        if "name" not in incoming.validated_data:  # nothing to change
            return self.get(request, slug)
        try:
            team = teams.team_rename(participation=self.get_participation(),
                                     name=incoming.validated_data["name"])
        except teams.TeamRefused as error:
            return refusal(error)
        return Response(team_data(request, team))


class Invitations(CompetitionScoped, APIView):
    """GET: pending invitations for you and from your team. POST `{"username": …}`:
    invite someone into your team."""

    permission_classes = [permissions.IsAuthenticated, CompetitionVisible]
    parser_classes = [JSONParser]

    def get_throttles(self):
        # Inviting has its own budget, shared with the Team tab; reading is a read.
        self.throttle_scope = INVITE_SCOPE if self.request.method == "POST" else "read"
        return super().get_throttles()

    @extend_schema(responses={200: InvitationsSerializer})
    def get(self, request, slug):
        competition = self.get_competition()
        participation = policy.participation_for(competition, request.user)
        sent = (teams.pending_invitations_sent(participation.team) if participation else [])
        return Response(InvitationsSerializer({
            "received": teams.pending_invitations_received(competition, request.user),
            "sent": sent}).data)

    @extend_schema(request=InviteSerializer, responses={
        201: InvitationSerializer, 403: CLOSED_403,
        404: refused("no_such_user", "not_found", why="No such user or competition."),
        409: refused(*CONFLICTS_INVITE, why="Already a member, already invited, or no room.")})
    def post(self, request, slug):
        participation = self.get_participation()
        incoming = InviteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            invitation = teams.invitation_create(participation=participation,
                                                 username=incoming.validated_data["username"])
        except teams.TeamRefused as error:
            return refusal(error)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class Answer(CompetitionScoped, APIView):
    """Accept or decline (`answer`, set by the URL) something that waits for this user's
    answer: the policy finds it (or hides it), the service answers, and a refusal answers
    with its code. Subclasses say what is found and what each answer returns."""

    throttle_scope = "read"
    answer = "accept"

    def find(self, request, pk):
        raise NotImplementedError

    def accept(self, request, pending) -> dict:
        raise NotImplementedError

    def decline(self, request, pending) -> dict:
        raise NotImplementedError

    def post(self, request, slug, pk):
        pending = self.find(request, pk)
        reply = self.decline if self.answer == "decline" else self.accept
        try:
            return Response(reply(request, pending))
        except teams.TeamRefused as error:
            return refusal(error)


@extend_schema_view(post=extend_schema(request=None, responses={
    200: OpenApiResponse(TeamSerializer, description="Accept: the team you are in now. "
                                                      "Decline: the invitation."),
    403: refused(*CLOSED, why="Teams cannot change here or now."),
    409: refused(*CONFLICTS_ENTER, why="No room, or you are in a team that cannot be "
                                       "left this way, or it was answered already.")}))
class InvitationAnswer(Answer):
    """Accept an invitation (you join the team; if you had not joined the competition, this
    joins it and accepts its rules), or decline it (the inviting team's members may
    withdraw it the same way)."""

    permission_classes = [permissions.IsAuthenticated, CompetitionVisible]

    def find(self, request, pk):
        return policy.invitation_for(request.user, self.get_competition(), pk)

    def accept(self, request, pending) -> dict:
        participation = teams.invitation_accept(invitation=pending, user=request.user)
        return team_data(request, participation.team)

    def decline(self, request, pending) -> dict:
        return InvitationSerializer(
            teams.invitation_decline(invitation=pending, user=request.user)).data


class Leave(CompetitionScoped, APIView):
    """Leave your team for a team of one: only if you have not submitted in it, and while
    teams may still change."""

    permission_classes = [permissions.IsAuthenticated, IsParticipant]
    throttle_scope = "read"

    @extend_schema(request=None, responses={
        200: OpenApiResponse(TeamSerializer, description="Your new team of one."),
        403: CLOSED_403,
        409: refused("alone", "submitted", "changed",
                     why="You are alone in your team, or you have submitted in it.")})
    def post(self, request, slug):
        try:
            participation = teams.team_leave(participation=self.get_participation())
        except teams.TeamRefused as error:
            return refusal(error)
        return Response(team_data(request, participation.team))


class MergeRequests(CompetitionScoped, APIView):
    """GET: pending merge requests of your team. POST `{"team_name": …}`: ask that team to
    take in yours (its members and submissions), within Kaggle's rule: the two teams
    together may have used at most the daily limit × the days since the start."""

    permission_classes = [permissions.IsAuthenticated, IsParticipant]
    parser_classes = [JSONParser]
    throttle_scope = "read"

    @extend_schema(responses={200: MergeRequestsSerializer, 403: JOIN_FIRST})
    def get(self, request, slug):
        return Response(MergeRequestsSerializer(
            teams.pending_merges(self.get_participation().team)).data)

    @extend_schema(request=MergeAskSerializer, responses={
        201: MergeRequestSerializer, 403: CLOSED_403,
        404: refused("no_such_team", "not_found", why="No such team or competition."),
        409: refused(*CONFLICTS_MERGE, why="The merged team would break a rule: the "
                                           "message says which, with the numbers.")})
    def post(self, request, slug):
        participation = self.get_participation()
        incoming = MergeAskSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            merge = teams.merge_request_create(participation=participation,
                                               team_name=incoming.validated_data["team_name"])
        except teams.TeamRefused as error:
            return refusal(error)
        return Response(MergeRequestSerializer(merge).data, status=status.HTTP_201_CREATED)


@extend_schema_view(post=extend_schema(request=None, responses={
    200: OpenApiResponse(TeamSerializer, description="Accept: the merged team. "
                                                      "Decline: your team."),
    403: CLOSED_403,
    409: refused(*CONFLICTS_MERGE, why="The merged team would break a rule, or the "
                                       "request was answered already.")}))
class MergeAnswer(Answer):
    """Accept a merge request for your team (the other team's members and submissions join
    yours), or decline it; the requesting team withdraws its own the same way."""

    permission_classes = [permissions.IsAuthenticated, IsParticipant]

    def find(self, request, pk):
        return policy.merge_request_for(request.user, self.get_competition(), pk)

    def accept(self, request, pending) -> dict:
        return team_data(request, teams.merge_accept(request=pending, user=request.user))

    def decline(self, request, pending) -> dict:
        teams.merge_decline(request=pending, user=request.user)
        return team_data(request, self.get_participation().team)
