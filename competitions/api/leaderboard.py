from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from .access import competition_or_404
from .serializers import LeaderboardRowSerializer, RefusalSerializer

NOT_REVEALED = gettext_lazy("The private leaderboard is not revealed yet.")


class Leaderboard(APIView):
    """The leaderboard: each participant's best score, ties to the earlier entry."""

    throttle_scope = "read"

    @extend_schema(parameters=[OpenApiParameter(
        "board", OpenApiTypes.STR, enum=["public", "private"], default="public")],
        responses={200: LeaderboardRowSerializer(many=True), 403: RefusalSerializer})
    def get(self, request, slug):
        competition = competition_or_404(request, slug)
        board = request.query_params.get("board", "public")
        if board not in ("public", "private"):
            raise ValidationError({"board": _('Choose "public" or "private".')})
        if board == "private":
            # Revealing the private leaderboard comes with the competition rules; until
            # then only organizers see the private ranking.
            if not request.user.is_staff:
                raise PermissionDenied(NOT_REVEALED, code="not_revealed")
            rows = selectors.private_ranking(competition)
        else:
            rows = selectors.public_leaderboard(competition)
        return Response({"board": board, "metric": competition.metric,
                         "higher_is_better": competition.metric_info.higher_is_better,
                         "rows": LeaderboardRowSerializer(rows, many=True).data})
