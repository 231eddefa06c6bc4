from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..policy.drf import CompetitionScoped, IsParticipant
from .serializers import RefusalSerializer


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
    best_public = serializers.ListField(child=serializers.ListField())
    best_private = serializers.ListField(child=serializers.ListField())


class ScoreHistory(CompetitionScoped, APIView):
    """Your team's score history: every scored submission and the best so far (the
    private scores only after the end)."""

    permission_classes = [permissions.IsAuthenticated, IsParticipant]
    throttle_scope = "read"

    @extend_schema(responses={200: HistorySerializer, 403: RefusalSerializer})
    def get(self, request, slug):
        history = selectors.score_history(self.get_competition(), self.get_participation(),
                                          request.user)
        return Response(HistorySerializer(history).data)
