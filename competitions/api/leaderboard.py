from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import policy, selectors
from ..policy.drf import CompetitionScoped
from .schema import refused
from .serializers import LeaderboardSerializer

MAX_TOP = 1000


class Leaderboard(CompetitionScoped, APIView):
    """A leaderboard: the best `top` participants, your own row wherever it stands, and
    the baselines. Public: best public score. Private (once revealed, at the end): best
    private score among each participant's final submissions, with the change of rank.
    Ties go to the earlier entry."""

    throttle_scope = "read"

    @extend_schema(parameters=[
        OpenApiParameter("board", OpenApiTypes.STR, enum=["public", "private"],
                         default="public"),
        OpenApiParameter("top", {"type": "integer", "minimum": 1, "maximum": MAX_TOP},
                         default=selectors.TOP_ROWS,
                         description=f"How many ranked rows, 1 to {MAX_TOP}.")],
        responses={200: LeaderboardSerializer, 403: refused(
            "not_revealed", why="The private leaderboard is not revealed yet.")})
    def get(self, request, slug):
        competition = self.get_competition()
        board = request.query_params.get("board", "public")
        if board not in selectors.BOARDS:
            raise ValidationError({"board": _('Choose "public" or "private".')})
        top = _top(request.query_params.get("top"))
        if board == "private":
            policy.private_board_required(request.user, competition)
        participation = policy.participation_for(competition, request.user)
        team_id = participation.team_id if participation else None
        board_data = selectors.leaderboard(competition, board, top=top, team_id=team_id)
        return Response(LeaderboardSerializer({
            "board": board, "metric": competition.metric,
            "higher_is_better": competition.metric_info.higher_is_better,
            "ranked_count": board_data.ranked_count, "rows": board_data.rows,
        }, context={"team_id": team_id}).data)


def _top(value: str | None) -> int:
    if value is None:
        return selectors.TOP_ROWS
    # isascii: "²" is a decimal digit to Python, but not a number int() reads.
    if not (value.isascii() and value.isdecimal() and len(value) <= 4
            and 1 <= int(value) <= MAX_TOP):
        raise ValidationError({"top": _("A whole number from 1 to %(max)s.") % {"max": MAX_TOP}})
    return int(value)
