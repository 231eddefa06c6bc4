"""Submitting, following a submission, and the dry run."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, permissions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import policy, selectors, services
from ..models import Submission
from ..models.submission import STORED_PROBLEMS
from ..policy.drf import CompetitionScoped, CompetitionVisible, IsParticipant
from .errors import refusal_response
from .schema import JOIN_FIRST, THROTTLED, refused
from .serializers import (
    SubmissionCreateSerializer,
    SubmissionSerializer,
    ValidationResultSerializer,
    ValidationSerializer,
)

NOT_READY = refused("not_ready", why="The competition has no solution yet.")
TOO_LARGE = refused("too_large", why="The file is larger than the competition allows.")


@extend_schema_view(get=extend_schema(responses={200: SubmissionSerializer(many=True),
                                                 403: JOIN_FIRST}))
class CompetitionSubmissions(CompetitionScoped, generics.ListCreateAPIView):
    """GET: your team's submissions, newest first. POST (multipart `file`, `description`):
    submit a file; it is scored in the background (follow its `url`)."""

    serializer_class = SubmissionSerializer
    permission_classes = [permissions.IsAuthenticated, CompetitionVisible]
    parser_classes = [MultiPartParser, FormParser]

    def get_throttles(self):
        self.throttle_scope = "submit" if self.request.method == "POST" else "read"
        return super().get_throttles()

    def get_queryset(self) -> QuerySet[Submission]:
        return selectors.team_submissions(self.get_competition(), self.get_participation())

    @extend_schema(request={"multipart/form-data": SubmissionCreateSerializer}, responses={
        201: SubmissionSerializer,
        403: refused("not_joined", "not_open", "total_limit",
                     why="Not joined, not open, or the total limit is used up."),
        409: NOT_READY, 413: TOO_LARGE,
        429: OpenApiResponse(THROTTLED.response, description=(
            "The daily limit is used up (`code` `daily_limit`; Retry-After says when it "
            "resets), or the API rate limit was hit (`throttled`)."))})
    def post(self, request, slug):
        competition = self.get_competition()
        incoming = SubmissionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        # Asked before the upload's commit: once it is stored, answering must not need the
        # database (a connection lost then would fail an upload that was accepted).
        private_visible = policy.private_board_visible(request.user, competition)
        try:
            submission = services.submission_create(
                competition=competition, user=request.user, file=incoming.validated_data["file"],
                description=incoming.validated_data["description"])
        except services.SubmissionRefused as refusal:
            return refusal_response(refusal)
        body = SubmissionSerializer(submission, context={
            "request": request, "private_visible": private_visible}).data
        # str(): the serializer gives a Hyperlink, and WSGI headers must be plain strings.
        return Response(body, status=status.HTTP_201_CREATED,
                        headers={"Location": str(body["url"])})


class SubmissionDetail(generics.RetrieveAPIView):
    """One of your team's submissions: status, public score, or the file's problems."""

    serializer_class = SubmissionSerializer
    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    def get_queryset(self) -> QuerySet[Submission]:
        return policy.visible_submissions(self.request.user)


class ValidateSubmission(CompetitionScoped, APIView):
    """The dry run: the same checks as scoring, against the hidden ids and labels. It
    answers valid or the problems — never a score — and uses no quota."""

    permission_classes = [permissions.IsAuthenticated, IsParticipant]
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "validate"

    @extend_schema(request={"multipart/form-data": ValidationSerializer}, responses={
        200: ValidationResultSerializer, 403: JOIN_FIRST, 409: NOT_READY, 413: TOO_LARGE})
    def post(self, request, slug):
        competition = self.get_competition()
        incoming = ValidationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            problems, count = services.submission_validate(
                competition=competition, user=request.user, file=incoming.validated_data["file"])
        except services.SubmissionRefused as refusal:
            return refusal_response(refusal)
        return Response(ValidationResultSerializer({
            "valid": not count, "problem_count": count,
            "problems": problems[:STORED_PROBLEMS]}).data)
