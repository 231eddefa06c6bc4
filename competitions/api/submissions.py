"""Submitting, following a submission, and the dry run."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..models import Submission
from ..models.submission import STORED_PROBLEMS
from .access import competition_or_404, participation_or_403
from .errors import refusal_response
from .serializers import (
    ProblemSerializer,
    RefusalSerializer,
    SubmissionCreateSerializer,
    SubmissionSerializer,
    ValidationResultSerializer,
    ValidationSerializer,
)


class CompetitionSubmissions(generics.ListCreateAPIView):
    """GET: your team's submissions, newest first. POST (multipart `file`, `description`):
    submit a file; it is scored in the background (follow its `url`)."""

    serializer_class = SubmissionSerializer
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    def get_throttles(self):
        self.throttle_scope = "submit" if self.request.method == "POST" else "read"
        return super().get_throttles()

    def get_queryset(self) -> QuerySet[Submission]:
        competition = competition_or_404(self.request, self.kwargs["slug"])
        participation = participation_or_403(self.request, competition)
        return selectors.team_submissions(competition, participation).select_related(
            "competition")

    @extend_schema(request=SubmissionCreateSerializer, responses={
        201: SubmissionSerializer, 403: RefusalSerializer, 413: RefusalSerializer,
        429: OpenApiResponse(RefusalSerializer, description=(
            "The daily limit is used up (Retry-After says when it resets), or the API rate "
            "limit was hit."))})
    def post(self, request, slug):
        competition = competition_or_404(request, slug)
        incoming = SubmissionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            submission = services.submission_create(
                competition=competition, user=request.user, file=incoming.validated_data["file"],
                description=incoming.validated_data["description"])
        except services.SubmissionRefused as refusal:
            return refusal_response(refusal)
        body = SubmissionSerializer(submission, context={"request": request}).data
        # str(): the serializer gives a Hyperlink, and WSGI headers must be plain strings.
        return Response(body, status=status.HTTP_201_CREATED,
                        headers={"Location": str(body["url"])})


class SubmissionDetail(generics.RetrieveAPIView):
    """One of your team's submissions: status, public score, or the file's problems."""

    serializer_class = SubmissionSerializer
    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    def get_queryset(self) -> QuerySet[Submission]:
        submissions = Submission.objects.select_related("competition", "submitted_by")
        if self.request.user.is_staff:
            return submissions
        return submissions.filter(team__participations__user=self.request.user)


class ValidateSubmission(APIView):
    """The dry run: the same checks as scoring, against the hidden ids and labels. It
    answers valid or the problems — never a score — and uses no quota."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "validate"

    @extend_schema(request=ValidationSerializer, responses={
        200: ValidationResultSerializer, 403: RefusalSerializer, 413: RefusalSerializer})
    def post(self, request, slug):
        competition = competition_or_404(request, slug)
        participation_or_403(request, competition)
        incoming = ValidationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            problems, count = services.submission_validate(
                competition=competition, user=request.user, file=incoming.validated_data["file"])
        except services.SubmissionRefused as refusal:
            return refusal_response(refusal)
        return Response({"valid": not count, "problem_count": count,
                         "problems": [ProblemSerializer.of(problem)
                                      for problem in problems[:STORED_PROBLEMS]]})
