"""Insight through the API, at the same feedback level as the pages (see insight/access)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ..insight.access import access_for
from ..insight.selectors import (
    analytics_for,
    comparison_for,
    confusion_for,
    examples_for,
    scored_submission_for,
)
from ..models import Submission
from .access import competition_or_404, participation_or_403
from .schema import JOIN_FIRST, refused
from .serializers import (
    AnalyticsSerializer,
    ComparisonSerializer,
    ExamplesSerializer,
    InsightSerializer,
)

SCORE_ONLY = _("While the competition runs, the organizer shows only scores. Per-class "
               "results, the confusion matrix and examples come after the end.")
NO_EXAMPLES = _("Example images are shown after the end (or at the organizer's full "
                "feedback level).")
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
    access = access_for(competition, request.user)
    requested = _requested_rows(request)
    scope = access.scope(requested)
    if scope is None:
        raise PermissionDenied(SCORE_ONLY, code="score_only")
    if requested is not None and requested != scope:
        raise PermissionDenied(_("The private rows are described only once the private "
                                 "leaderboard is revealed."), code="not_revealed")
    return access, scope


class SubmissionInsight(APIView):
    """Per-class precision, recall, F1 and support, the confusion matrix and the most
    confused pairs of one of your scored submissions."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    @extend_schema(parameters=[ROWS], responses={200: InsightSerializer, 403: NOT_SHOWN})
    def get(self, request, pk):
        submission = scored_submission_for(request.user, pk)
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
        submission = scored_submission_for(request.user, pk)
        access, scope = _scope(request, submission.competition)
        if not access.examples:
            raise PermissionDenied(NO_EXAMPLES, code="no_examples")
        return Response(ExamplesSerializer(
            {"rows": scope, "groups": examples_for(submission, scope)},
            context={"request": request, "slug": submission.competition.slug}).data)


class CompareSubmissions(APIView):
    """How submission `second` differs from `first` (both yours): agreement and changed
    rows; where per-class results are allowed, how many were fixed or broken, by class."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    @extend_schema(parameters=[
        OpenApiParameter("first", SUBMISSION_ID, required=True,
                         description="The id of one of your scored submissions."),
        OpenApiParameter("second", SUBMISSION_ID, required=True,
                         description="The id of another (or the same)."), ROWS],
        responses={200: ComparisonSerializer, 403: JOIN_FIRST})
    def get(self, request, slug):
        competition = competition_or_404(request, slug)
        participation_or_403(request, competition)
        first, second = (self._submission(request, competition, name)
                         for name in ("first", "second"))
        requested = _requested_rows(request)
        comparison = comparison_for(first, second,
                                    access_for(competition, request.user).scope(requested))
        return Response(ComparisonSerializer(comparison).data)

    @staticmethod
    def _submission(request, competition, name) -> Submission:
        value = request.query_params.get(name, "")
        if not (value.isascii() and value.isdecimal() and len(value) <= 18):
            raise ValidationError({name: _("The id of one of your scored submissions.")})
        submission = scored_submission_for(request.user, int(value))
        if submission.competition_id != competition.pk:
            raise NotFound()
        return submission


class Analytics(APIView):
    """For organizers: submissions and active participants per day, and the classes every
    participant's best submission gets wrong most."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    @extend_schema(responses={200: AnalyticsSerializer, 403: refused(
        "organizers_only", why="Only the organizers see the analytics.")})
    def get(self, request, slug):
        competition = competition_or_404(request, slug)
        if not competition.is_organized_by(request.user):
            raise PermissionDenied(_("Only the organizers see the analytics."),
                                   code="organizers_only")
        return Response(AnalyticsSerializer(analytics_for(competition)).data)
