"""Insight through the API, at the same feedback level as the pages (policy.insight)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
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
from .serializers import RefusalSerializer

ROWS = OpenApiParameter("rows", OpenApiTypes.STR, enum=["public", "private", "all"],
                        description="Which rows to describe; private and all only after "
                                    "the private leaderboard is revealed.")


class ClassResultSerializer(serializers.Serializer):
    label = serializers.CharField()
    precision = serializers.FloatField(allow_null=True)
    recall = serializers.FloatField(allow_null=True)
    f1 = serializers.FloatField(allow_null=True)
    support = serializers.IntegerField()


class InsightSerializer(serializers.Serializer):
    level = serializers.CharField()
    rows = serializers.CharField(help_text="The rows described: public, private or all.")
    row_count = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True)
    labels = serializers.ListField(child=serializers.CharField())
    confusion = serializers.ListField(child=serializers.ListField(
        child=serializers.IntegerField()), help_text="Rows: true class; columns: predicted.")
    per_class = ClassResultSerializer(many=True)
    most_confused = serializers.ListField(child=serializers.ListField())


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

    @extend_schema(parameters=[ROWS], responses={200: InsightSerializer,
                                                 403: RefusalSerializer})
    def get(self, request, pk):
        submission = policy.submission_for(request.user, pk, scored=True)
        access, scope = _scope(request, submission.competition)
        confusion = confusion_for(submission, scope)
        return Response(InsightSerializer({
            "level": access.level, "rows": scope, "row_count": confusion.total,
            "accuracy": confusion.accuracy, "labels": list(confusion.labels),
            "confusion": confusion.as_lists(), "per_class": confusion.per_class(),
            "most_confused": [list(pair) for pair in confusion.most_confused()]}).data)


class SubmissionExamples(APIView):
    """Test images grouped by (true, predicted): the most confident mistakes, the most
    frequent mistakes, and confidently right ones. Full feedback level only."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    @extend_schema(parameters=[ROWS], responses={200: OpenApiTypes.OBJECT,
                                                 403: RefusalSerializer})
    def get(self, request, pk):
        submission = policy.submission_for(request.user, pk, scored=True)
        access, scope = _scope(request, submission.competition)
        access.examples_required()
        slug = submission.competition.slug
        return Response({"rows": scope, "groups": [{
            "kind": group.kind, "count": group.count, "true_label": group.true_label,
            "predicted_label": group.predicted_label,
            "examples": [{"id": example.image_id, "true_label": example.true_label,
                          "predicted_label": example.predicted_label,
                          "confidence": example.confidence,
                          "image_url": request.build_absolute_uri(
                              reverse("test_image", args=[slug, example.image_id]))}
                         for example in group.examples]}
            for group in examples_for(submission, scope)]})


class CompareSubmissions(CompetitionScoped, APIView):
    """How submission `second` differs from `first` (both yours): agreement and changed
    rows; where per-class results are allowed, how many were fixed or broken, by class."""

    permission_classes = [permissions.IsAuthenticated, IsParticipant]
    throttle_scope = "read"

    @extend_schema(parameters=[
        OpenApiParameter("first", OpenApiTypes.INT, required=True),
        OpenApiParameter("second", OpenApiTypes.INT, required=True), ROWS],
        responses={200: OpenApiTypes.OBJECT, 403: RefusalSerializer})
    def get(self, request, slug):
        competition = self.get_competition()
        first, second = (self._submission(request, competition, name)
                         for name in ("first", "second"))
        access = policy.insight_access(competition, request.user)
        comparison = comparison_for(first, second, access.scope(_requested_rows(request)))
        return Response({"rows": comparison.rows, "agreeing": comparison.agreeing,
                         "agreement": comparison.agreement, "changed": comparison.changed,
                         "fixed": comparison.fixed, "broken": comparison.broken,
                         "per_class": [{"label": label, "fixed": fixed, "broken": broken}
                                       for label, fixed, broken in comparison.per_class or []]})

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

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 403: RefusalSerializer})
    def get(self, request, slug):
        data = analytics_for(self.get_competition())
        return Response({
            "days": [{"day": day["day"], "submissions": day["submissions"],
                      "participants": day["participants"]} for day in data.days],
            "hardest_classes": [{"label": label, "mean_recall": recall, "participants": teams}
                                for label, recall, teams in data.hardest]})
