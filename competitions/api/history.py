from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..policy.drf import CompetitionScoped, IsParticipant
from .schema import JOIN_FIRST


@extend_schema_field({"type": "array", "minItems": 2, "maxItems": 2,
                      "items": {"oneOf": [{"type": "string", "format": "date-time"},
                                          {"type": "number"}]},
                      "description": "[time, best score so far]"})
class StepField(serializers.ListField):
    pass


class HistoryPointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    public = serializers.FloatField()
    private = serializers.FloatField(allow_null=True, help_text="Only after the end.")
    is_late = serializers.BooleanField()


class HistorySerializer(serializers.Serializer):
    metric = serializers.CharField()
    higher_is_better = serializers.BooleanField()
    private_shown = serializers.BooleanField()
    points = HistoryPointSerializer(many=True)
    best_public = serializers.ListField(child=StepField())
    best_private = serializers.ListField(child=StepField(), help_text="Empty before the end.")


class ScoreHistory(CompetitionScoped, APIView):
    """Your team's score history: every scored submission and the best so far (the
    private scores only after the end)."""

    permission_classes = [permissions.IsAuthenticated, IsParticipant]
    throttle_scope = "read"

    @extend_schema(responses={200: HistorySerializer, 403: JOIN_FIRST})
    def get(self, request, slug):
        history = selectors.score_history(self.get_competition(), self.get_participation(),
                                          request.user)
        return Response(HistorySerializer(history).data)
