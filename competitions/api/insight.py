"""Insight through the API, at the same feedback level as the pages (policy.insight)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import policy
from ..insight.selectors import (
    analytics_for,
    comparison_for,
    confusion_for,
    examples_for,
)
from ..models import Submission
from ..policy.drf import CompetitionScoped, IsOrganizer, IsParticipant
from .schema import JOIN_FIRST, refused
from .serializers import (
    AnalyticsSerializer,
    ComparisonSerializer,
    ExamplesSerializer,
    InsightSerializer,
)

ROWS = OpenApiParameter("rows", OpenApiTypes.STR, enum=["public", "private", "all"],
                        description="Which rows to describe; private and all only after "
                                    "the private leaderboard is revealed.")
# The submission ids compared: what `_submission` reads (up to 18 digits).
SUBMISSION_ID = {"type": "integer", "minimum": 1, "maximum": 10**18 - 1}
NOT_SHOWN = refused("score_only", "not_revealed",
                    why="Not at this competition's feedback level, or not yet.")


def _requested_rows(request) -> str | None:
    requested = request.query_params.get("rows")
    if requested is not None and requested not in ("public", "private", "all"):
        raise ValidationError({"rows": _('Choose "public", "private" or "all".')})
    return requested


def _scope(request, competition):
    access = policy.insight_access(competition, request.user)
    return access, access.scope_required(_requested_rows(request))


class SubmissionInsight(APIView):
    """Per-class precision, recall, F1 and support, the confusion matrix and the most
    confused pairs of one of your scored submissions."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    @extend_schema(parameters=[ROWS], responses={200: InsightSerializer, 403: NOT_SHOWN})
    def get(self, request, pk):
        submission = policy.submission_for(request.user, pk, scored=True)
        access, scope = _scope(request, submission.competition)
        confusion = confusion_for(submission, scope)
        return Response(InsightSerializer({
            "level": access.level, "rows": scope, "row_count": confusion.total,
            "accuracy": confusion.accuracy, "labels": list(confusion.labels),
            "confusion": confusion.as_lists(), "per_class": confusion.per_class(),
            "most_confused": confusion.most_confused()}).data)


class SubmissionExamples(APIView):
    """Test images grouped by (true, predicted): the most confident mistakes, the most
    frequent mistakes, and confidently right ones. Full feedback level only."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    @extend_schema(parameters=[ROWS], responses={200: ExamplesSerializer, 403: refused(
        "score_only", "not_revealed", "no_examples",
        why="Not at this competition's feedback level, or not yet.")})
    def get(self, request, pk):
        submission = policy.submission_for(request.user, pk, scored=True)
        access, scope = _scope(request, submission.competition)
        access.examples_required()
        return Response(ExamplesSerializer(
            {"rows": scope, "groups": examples_for(submission, scope)},
            context={"request": request, "slug": submission.competition.slug}).data)


class CompareSubmissions(CompetitionScoped, APIView):
    """How submission `second` differs from `first` (both yours): agreement and changed
    rows; where per-class results are allowed, how many were fixed or broken, by class."""

    permission_classes = [permissions.IsAuthenticated, IsParticipant]
    throttle_scope = "read"

    @extend_schema(parameters=[
        OpenApiParameter("first", SUBMISSION_ID, required=True,
                         description="The id of one of your scored submissions."),
        OpenApiParameter("second", SUBMISSION_ID, required=True,
                         description="The id of another (or the same)."), ROWS],
        responses={200: ComparisonSerializer, 403: JOIN_FIRST})
    def get(self, request, slug):
        competition = self.get_competition()
        first, second = (self._submission(request, competition, name)
                         for name in ("first", "second"))
        access = policy.insight_access(competition, request.user)
        comparison = comparison_for(first, second, access.scope(_requested_rows(request)))
        return Response(ComparisonSerializer(comparison).data)

    @staticmethod
    def _submission(request, competition, name) -> Submission:
        value = request.query_params.get(name, "")
        if not (value.isascii() and value.isdecimal() and len(value) <= 18):
            raise ValidationError({name: _("The id of one of your scored submissions.")})
        submission = policy.submission_for(request.user, int(value), scored=True)
        if submission.competition_id != competition.pk:
            raise policy.Hidden()
        return submission


class Analytics(CompetitionScoped, APIView):
    """For organizers: submissions and active participants per day, and the classes every
    participant's best submission gets wrong most."""

    permission_classes = [permissions.IsAuthenticated, IsOrganizer]
    throttle_scope = "read"

    @extend_schema(responses={200: AnalyticsSerializer, 403: refused(
        "organizers_only", why="Only the organizers see the analytics.")})
    def get(self, request, slug):
        return Response(AnalyticsSerializer(analytics_for(self.get_competition())).data)
