"""Reads that build pages. Everything a participant sees passes through here."""

from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from .charts import best_so_far
from .models import (
    Board,
    Competition,
    CompetitionBuild,
    Participation,
    Standing,
    Submission,
    Visibility,
)


def visible_competitions(user) -> QuerySet[Competition]:
    """What this user may open. Unpublished competitions are for staff; invitation-only
    ones for their host and the participants who joined through the invitation (to
    everyone else they do not exist: 404)."""
    competitions = Competition.objects.all()
    if user.is_authenticated and user.is_staff:
        return competitions
    shown = Q(is_published=True) & ~Q(visibility=Visibility.INVITE)
    if user.is_authenticated:
        shown |= Q(host=user) | Q(is_published=True, pk__in=_joined(user))
    return competitions.filter(shown)


def listed_competitions(user) -> QuerySet[Competition]:
    """What the competition list shows this user: the public ones, and those they host or
    joined (unlisted and invitation-only ones are reached by their link)."""
    competitions = visible_competitions(user)
    if user.is_authenticated and user.is_staff:
        return competitions
    listed = Q(visibility=Visibility.PUBLIC)
    if user.is_authenticated:
        listed |= Q(host=user) | Q(pk__in=_joined(user))
    return competitions.filter(listed)


def _joined(user) -> QuerySet:
    return Participation.objects.filter(user=user).values("competition_id")


def competition_for(user, slug: str) -> Competition:
    """The competition if this user may see it; anything else is 404."""
    competition = visible_competitions(user).filter(slug=slug).first()
    if competition is None:
        raise Http404
    return competition


def hosted_competition_for(user, slug: str) -> Competition:
    """A community competition its host manages; 404 for anyone else (organizer-run
    competitions are managed in the admin)."""
    competition = (Competition.objects.filter(slug=slug, host=user).first()
                   if user.is_authenticated else None)
    if competition is None:
        raise Http404
    return competition


def invited_competition(code: str) -> Competition:
    """The invitation-only competition of an invite code; 404 for a wrong or old code."""
    code = code.strip().upper()
    competition = (Competition.objects.filter(invite_code=code, is_published=True,
                                              visibility=Visibility.INVITE).first()
                   if code else None)
    if competition is None:
        raise Http404
    return competition


def build_for(user, build_id: int) -> CompetitionBuild:
    """A build its host follows; 404 for anyone else."""
    build = (CompetitionBuild.objects.filter(pk=build_id, host=user).first()
             if user.is_authenticated else None)
    if build is None:
        raise Http404
    return build


def hosting(user) -> dict:
    """The host's page: their builds (latest first) and the competitions they host."""
    return {"builds": CompetitionBuild.objects.filter(host=user).select_related("competition")[:20],
            "competitions": Competition.objects.filter(host=user).order_by("-created_at")}


def host_submissions(competition: Competition, limit: int = 200) -> QuerySet[Submission]:
    """Every team's latest submissions, for the host of a community competition."""
    return (competition.submissions.select_related("team", "submitted_by")
            .order_by("-created_at", "-id")[:limit])


def participation_for(competition: Competition, user) -> Participation | None:
    if not user.is_authenticated:
        return None
    return (Participation.objects.filter(competition=competition, user=user)
            .select_related("team").first())


def team_submissions(competition: Competition, participation: Participation
                     ) -> QuerySet[Submission]:
    return (Submission.objects.filter(competition=competition, team=participation.team)
            .select_related("submitted_by", "competition"))


def own_submission_for(user, submission_id: int) -> Submission:
    """A submission this user may download and act on (mark final): their team's own in a
    competition they can see, or any for staff."""
    submissions = Submission.objects.select_related("competition")
    if not user.is_staff:
        submissions = submissions.filter(team__participations__user=user,
                                          competition__in=visible_competitions(user))
    submission = submissions.filter(pk=submission_id).first()
    if submission is None:
        raise Http404
    return submission


BOARDS = tuple(Board)
# Rows a leaderboard page shows, besides the viewer's own row and the baselines.
TOP_ROWS = 100


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int | None  # None for baselines: shown for comparison, never ranked
    team_name: str
    team_id: int
    score: float
    entries: int
    best_at: datetime
    submission_id: int | None = None  # the best entry; breaks ties of equal times
    is_baseline: bool = False
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
    ranked = standings.filter(is_baseline=False).annotate(
        rank=Window(RowNumber(), order_by=_board_order(competition, board)))
    if board == "private":
        ranked = ranked.annotate(
            public_rank=Window(RowNumber(), order_by=_board_order(competition, "public")))
    if top is not None:
        ranked = ranked.filter(rank__lte=top)
    # Private scores sort last when missing, so filtering here leaves the ranks intact.
    shown = [standing for standing in ranked.order_by("rank")
             if getattr(standing, score) is not None]
    if team_id is not None and all(standing.team_id != team_id for standing in shown):
        shown += _own_standing(competition, board, standings, team_id)
    shown += standings.filter(is_baseline=True, **{f"{score}__isnull": False})
    return Leaderboard(board=board, rows=_rows(competition, board, shown),
                       ranked_count=standings.filter(
                           is_baseline=False, **{f"{score}__isnull": False}).count())


def _board_order(competition: Competition, board: str) -> list:
    higher = competition.metric_info.higher_is_better
    score = F(f"{board}_score")
    return [score.desc(nulls_last=True) if higher else score.asc(nulls_last=True),
            F(f"{board}_at").asc(), F(f"{board}_submission_id").asc()]


def _own_standing(competition: Competition, board: str, standings: QuerySet,
                  team_id: int) -> list[Standing]:
    """The viewer's standing below the top rows, its rank counted by the teams ahead."""
    mine = standings.filter(is_baseline=False, team_id=team_id,
                            **{f"{board}_score__isnull": False}).first()
    if mine is None:
        return []
    ranked = standings.filter(is_baseline=False)
    mine.rank = 1 + ranked.filter(_ahead_of(competition, board, mine)).count()
    if board == "private":
        mine.public_rank = 1 + ranked.filter(_ahead_of(competition, "public", mine)).count()
    return [mine]


def _ahead_of(competition: Competition, board: str, standing: Standing) -> Q:
    score, at, submission = (f"{board}_score", f"{board}_at", f"{board}_submission_id")
    better = "gt" if competition.metric_info.higher_is_better else "lt"
    value = getattr(standing, score)
    return (Q(**{f"{score}__{better}": value})
            | Q(**{score: value, f"{at}__lt": getattr(standing, at)})
            | Q(**{score: value, at: getattr(standing, at),
                   f"{submission}__lt": getattr(standing, submission)}))


def _rows(competition: Competition, board: str, standings: list[Standing]
          ) -> list[LeaderboardRow]:
    higher = competition.metric_info.higher_is_better
    rows = sorted((LeaderboardRow(
        rank=getattr(standing, "rank", None), team_name=standing.team_name,
        team_id=standing.team_id, score=getattr(standing, f"{board}_score"),
        entries=standing.entries, best_at=getattr(standing, f"{board}_at"),
        submission_id=getattr(standing, f"{board}_submission_id"),
        is_baseline=standing.is_baseline,
        public_rank=getattr(standing, "public_rank", None)) for standing in standings),
        key=lambda row: (-row.score if higher else row.score, row.best_at,
                         row.submission_id or 0))
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
        for row in (row for row in rows if not row.is_baseline):
            entry = snapshot.setdefault(str(row.team_id), {"team": row.team_name})
            entry[board] = {"rank": row.rank, "score": row.score}
    return snapshot


def score_history(competition: Competition, participation: Participation) -> dict:
    """The team's scored submissions over time with the best so far; private scores only
    once the private leaderboard is revealed."""
    revealed = competition.private_board_revealed()
    higher = competition.metric_info.higher_is_better
    scored = (team_submissions(competition, participation)
              .filter(status=Submission.Status.SCORED).order_by("created_at", "id"))
    points = [{"id": s.pk, "at": s.created_at, "public": s.public_score,
               "private": s.private_score if revealed else None, "is_late": s.is_late}
              for s in scored]
    best_public = best_so_far([(p["at"], p["public"]) for p in points], higher)
    best_private = (best_so_far([(p["at"], p["private"]) for p in points
                                 if p["private"] is not None], higher) if revealed else [])
    return {"metric": competition.metric, "higher_is_better": higher,
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
