"""Reads that build pages: boards, histories, counts. Who may see them is decided by
competitions.policy before these are called."""

from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import Count, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from . import policy
from .charts import best_so_far
from .models import Board, Competition, CompetitionBuild, Participation, Standing, Submission
from .ordering import ahead_of, board_order


def hosting(user) -> dict:
    """The host's page: their builds (latest first) and the competitions they host."""
    return {"builds": CompetitionBuild.objects.filter(host=user).select_related("competition")[:20],
            "competitions": Competition.objects.filter(host=user).order_by("-created_at")}


def host_submissions(competition: Competition, limit: int = 200) -> QuerySet[Submission]:
    """Every team's latest submissions, for the host of a community competition."""
    return (competition.submissions.select_related("team", "submitted_by")
            .order_by("-created_at", "-id")[:limit])


def team_submissions(competition: Competition, participation: Participation
                     ) -> QuerySet[Submission]:
    return (Submission.objects.filter(competition=competition, team=participation.team)
            .select_related("submitted_by", "competition"))


BOARDS = tuple(Board)
# Rows a leaderboard page shows, besides the viewer's own row and the baselines.
TOP_ROWS = 100


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int | None  # None for baselines and host previews: shown, never ranked
    team_name: str
    team_id: int
    score: float
    entries: int
    best_at: datetime
    submission_id: int | None = None  # the best entry; breaks ties of equal times
    is_baseline: bool = False
    is_host_preview: bool = False  # an organizer trying their own competition: never ranked
    public_rank: int | None = None  # on the private board: the team's public rank
    after_gap: bool = False  # ranked rows were skipped before this one

    @property
    def shake_up(self) -> int | None:
        """Places gained (positive) or lost (negative) from the public to the private
        board: the "shake-up" at the end of a competition."""
        if self.rank is None or self.public_rank is None:
            return None
        return self.public_rank - self.rank


@dataclass(frozen=True)
class Leaderboard:
    board: str
    rows: list[LeaderboardRow]
    ranked_count: int  # teams ranked on this board, whether shown or not


def leaderboard(competition: Competition, board: str = "public", *,
                top: int | None = TOP_ROWS, team_id: int | None = None) -> Leaderboard:
    """The best `top` teams (all if None), the team `team_id` wherever it stands, and the
    baselines, in board order. Reads one standing per team (see Standing), so its cost
    does not grow with the number of submissions.

    Public: each team's best public score. Private: each team's best private score among
    its final submissions. Ties go to the earlier submission.
    """
    score = f"{board}_score"
    standings = competition.standings.filter(public_score__isnull=False)
    ranked = standings.ranked().annotate(
        rank=Window(RowNumber(), order_by=board_order(competition.metric_info, board)))
    if board == "private":
        ranked = ranked.annotate(public_rank=Window(
            RowNumber(), order_by=board_order(competition.metric_info, "public")))
    if top is not None:
        ranked = ranked.filter(rank__lte=top)
    # Private scores sort last when missing, so filtering here leaves the ranks intact.
    shown = [standing for standing in ranked.order_by("rank")
             if getattr(standing, score) is not None]
    if team_id is not None and all(standing.team_id != team_id for standing in shown):
        shown += _own_standing(competition, board, standings, team_id)
    # Baselines are shown on both boards for comparison; host previews only on the public
    # one (the organizers know the private labels: their private scores mean nothing).
    unranked = standings.filter(is_baseline=True) if board == "private" else standings.unranked()
    shown += unranked.filter(**{f"{score}__isnull": False})
    return Leaderboard(board=board, rows=_rows(competition, board, shown),
                       ranked_count=standings.ranked().filter(
                           **{f"{score}__isnull": False}).count())


def _own_standing(competition: Competition, board: str, standings: QuerySet,
                  team_id: int) -> list[Standing]:
    """The viewer's standing below the top rows, its rank counted by the teams ahead."""
    ranked = standings.ranked()
    mine = ranked.filter(team_id=team_id, **{f"{board}_score__isnull": False}).first()
    if mine is None:
        return []
    metric = competition.metric_info
    mine.rank = 1 + ranked.filter(ahead_of(metric, board, mine)).count()
    if board == "private":
        mine.public_rank = 1 + ranked.filter(ahead_of(metric, "public", mine)).count()
    return [mine]


def _rows(competition: Competition, board: str, standings: list[Standing]
          ) -> list[LeaderboardRow]:
    metric = competition.metric_info
    rows = sorted((LeaderboardRow(
        rank=getattr(standing, "rank", None), team_name=standing.team_name,
        team_id=standing.team_id, score=getattr(standing, f"{board}_score"),
        entries=standing.entries, best_at=getattr(standing, f"{board}_at"),
        submission_id=getattr(standing, f"{board}_submission_id"),
        is_baseline=standing.is_baseline, is_host_preview=standing.is_host_preview,
        public_rank=getattr(standing, "public_rank", None)) for standing in standings),
        key=lambda row: (metric.sort_key(row.score), row.best_at, row.submission_id or 0))
    previous_rank = 0
    for index, row in enumerate(rows):
        if row.rank is not None:
            if row.rank > previous_rank + 1:
                rows[index] = replace(row, after_gap=True)
            previous_rank = row.rank
    return rows


def public_leaderboard(competition: Competition) -> list[LeaderboardRow]:
    """Every team's best public score, in rank order, baselines among them."""
    return leaderboard(competition, Board.PUBLIC, top=None).rows


def private_ranking(competition: Competition) -> list[LeaderboardRow]:
    """Every team's best private score among its finals, for organizers and exports."""
    return leaderboard(competition, Board.PRIVATE, top=None).rows


def ranks_snapshot(competition: Competition) -> dict[str, dict]:
    """Every team's rank and best score on both boards: the rescore audit's before/after."""
    snapshot: dict[str, dict] = {}
    for board, rows in ((Board.PUBLIC, public_leaderboard(competition)),
                        (Board.PRIVATE, private_ranking(competition))):
        for row in (row for row in rows if row.rank is not None):
            entry = snapshot.setdefault(str(row.team_id), {"team": row.team_name})
            entry[board] = {"rank": row.rank, "score": row.score}
    return snapshot


def score_history(competition: Competition, participation: Participation, reader) -> dict:
    """The team's scored submissions over time with the best so far; private scores only
    if the reader may see them."""
    revealed = policy.private_board_visible(reader, competition)
    metric = competition.metric_info
    scored = (team_submissions(competition, participation)
              .filter(status=Submission.Status.SCORED).order_by("created_at", "id"))
    points = [{"id": s.pk, "at": s.created_at, "public": s.public_score,
               "private": s.private_score if revealed else None, "is_late": s.is_late}
              for s in scored]
    best_public = best_so_far([(p["at"], p["public"]) for p in points], metric)
    best_private = (best_so_far([(p["at"], p["private"]) for p in points
                                 if p["private"] is not None], metric) if revealed else [])
    return {"metric": competition.metric, "higher_is_better": metric.higher_is_better,
            "private_shown": revealed, "points": points,
            "best_public": best_public, "best_private": best_private}


def competition_counts(competition: Competition) -> dict[str, int]:
    return competition.participations.aggregate(
        participants=Count("id"),
        teams=Count("team", distinct=True, filter=Q(team__isnull=False)),
    )


def gallery_by_label(competition: Competition) -> list[tuple[str, list]]:
    """Gallery images grouped by class, in the competition's label order."""
    images: dict[str, list] = {label: [] for label in competition.labels}
    for image in competition.gallery_images.all():
        images.setdefault(image.label, []).append(image)
    return [(label, group) for label, group in images.items() if group]


def public_rank(competition: Competition, team_id: int) -> int | None:
    """The team's rank on the public board as everyone sees it (None when unranked: no
    public score yet, a baseline or a host preview)."""
    standings = competition.standings.filter(public_score__isnull=False)
    mine = _own_standing(competition, "public", standings, team_id)
    return mine[0].rank if mine else None
