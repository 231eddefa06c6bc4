from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from .access import competition_or_404, participation_or_403
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


class ScoreHistory(APIView):
    """Your team's score history: every scored submission and the best so far (the
    private scores only after the end)."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    @extend_schema(responses={200: HistorySerializer, 403: RefusalSerializer})
    def get(self, request, slug):
        competition = competition_or_404(request, slug)
        participation = participation_or_403(request, competition)
        return Response(HistorySerializer(selectors.score_history(competition,
                                                                  participation)).data)
