"""Choosing final submissions: the ones that count for the private leaderboard."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import policy
from ..finals import final_choice, final_mark
from ..policy.drf import CompetitionScoped, IsParticipant
from ..services import SubmissionRefused
from .errors import refusal_response
from .schema import JOIN_FIRST, refused
from .serializers import FinalChoiceSerializer, FinalMarkSerializer, SubmissionSerializer


class FinalChoice(CompetitionScoped, APIView):
    """Which of your submissions count for the private leaderboard: those you marked, or,
    if you marked none, your best public ones."""

    permission_classes = [permissions.IsAuthenticated, IsParticipant]
    throttle_scope = "read"

    @extend_schema(responses={200: FinalChoiceSerializer, 403: JOIN_FIRST})
    def get(self, request, slug):
        choice = final_choice(self.get_competition(), self.get_participation())
        return Response(FinalChoiceSerializer(choice).data)


class MarkFinal(APIView):
    """Mark one of your scored submissions as final (`{"final": true}`) or unmark it.
    Only before the end, and up to the competition's `final_submission_limit`."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]  # a form's "true" or "0" is not the boolean asked for
    throttle_scope = "read"

    @extend_schema(request=FinalMarkSerializer, responses={
        200: SubmissionSerializer,
        403: refused("finals_closed", why="The competition has ended."),
        409: refused("finals_full", "not_scored",
                     why="The limit of final submissions is reached, or it is not scored.")})
    def post(self, request, pk):
        submission = policy.team_submission_for(request.user, pk)
        incoming = FinalMarkSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            final_mark(submission=submission, user=request.user,
                       final=incoming.validated_data["final"])
        except SubmissionRefused as refusal:
            return refusal_response(refusal)
        return Response(SubmissionSerializer(submission, context={"request": request}).data)
