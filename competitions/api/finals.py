"""Choosing final submissions: the ones that count for the private leaderboard."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import policy
from ..finals import final_choice, final_mark
from ..policy.drf import CompetitionScoped, IsParticipant
from ..services import SubmissionRefused
from .errors import refusal_response
from .serializers import (
    FinalChoiceSerializer,
    FinalMarkSerializer,
    RefusalSerializer,
    SubmissionSerializer,
)


class FinalChoice(CompetitionScoped, APIView):
    """Which of your submissions count for the private leaderboard: those you marked, or,
    if you marked none, your best public ones."""

    permission_classes = [permissions.IsAuthenticated, IsParticipant]
    throttle_scope = "read"

    @extend_schema(responses={200: FinalChoiceSerializer, 403: RefusalSerializer})
    def get(self, request, slug):
        choice = final_choice(self.get_competition(), self.get_participation())
        return Response(FinalChoiceSerializer(choice).data)


class MarkFinal(APIView):
    """Mark one of your scored submissions as final (`{"final": true}`) or unmark it.
    Only before the end, and up to the competition's `final_submission_limit`."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    @extend_schema(request=FinalMarkSerializer, responses={
        200: SubmissionSerializer, 403: RefusalSerializer, 404: RefusalSerializer,
        409: RefusalSerializer})
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
