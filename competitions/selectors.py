"""Reads that build pages. Everything a participant sees passes through here."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from .charts import best_so_far
from .models import Competition, Participation, Submission


def visible_competitions(user) -> QuerySet[Competition]:
    competitions = Competition.objects.all()
    if not (user.is_authenticated and user.is_staff):
        competitions = competitions.filter(is_published=True)
    return competitions


def competition_for(user, slug: str) -> Competition:
    """The competition if this user may see it; unpublished ones are 404 for non-staff."""
    competition = visible_competitions(user).filter(slug=slug).first()
    if competition is None:
        raise Http404
    return competition


def participation_for(competition: Competition, user) -> Participation | None:
    if not user.is_authenticated:
        return None
    return (Participation.objects.filter(competition=competition, user=user)
            .select_related("team").first())


def team_submissions(competition: Competition, participation: Participation
                     ) -> QuerySet[Submission]:
    return (Submission.objects.filter(competition=competition, team=participation.team)
            .select_related("submitted_by"))


def submission_file_for(user, submission_id: int) -> Submission:
    """A submission whose file this user may download: their team's own, or any for staff."""
    submissions = Submission.objects.select_related("competition")
    if not user.is_staff:
        submissions = submissions.filter(team__participations__user=user)
    submission = submissions.filter(pk=submission_id).first()
    if submission is None:
        raise Http404
    return submission


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int | None  # None for baselines: shown for comparison, never ranked
    team_name: str
    team_id: int
    score: float
    entries: int
    best_at: datetime
    is_baseline: bool = False


def public_leaderboard(competition: Competition) -> list[LeaderboardRow]:
    """Each team's best public score; ties go to the earlier entry."""
    return _leaderboard(competition, "public_score")


def private_ranking(competition: Competition) -> list[LeaderboardRow]:
    """Each team's best private score, for organizers only (the rescore audit)."""
    return _leaderboard(competition, "private_score")


def _leaderboard(competition: Competition, score_field: str) -> list[LeaderboardRow]:
    score_order = (F(score_field).desc() if competition.metric_info.higher_is_better
                   else F(score_field).asc())
    # Late submissions (after the end) are scored for their authors but never ranked.
    scored = Submission.objects.filter(competition=competition,
                                       status=Submission.Status.SCORED, is_late=False,
                                       **{f"{score_field}__isnull": False})
    best = (scored.annotate(
        position=Window(RowNumber(), partition_by=[F("team_id")],
                        order_by=[score_order, F("created_at").asc(), F("id").asc()]),
        entries=Window(Count("id"), partition_by=[F("team_id")]),
    ).filter(position=1).select_related("team")
        .order_by(score_order, "created_at", "id"))
    rows, rank = [], 0
    for row in best:
        if not row.team.is_baseline:
            rank += 1
        rows.append(LeaderboardRow(
            rank=None if row.team.is_baseline else rank, team_name=row.team.name,
            team_id=row.team_id, score=getattr(row, score_field), entries=row.entries,
            best_at=row.created_at, is_baseline=row.team.is_baseline))
    return rows


def ranks_snapshot(competition: Competition) -> dict[str, dict]:
    """Every team's rank and best score on both boards: the rescore audit's before/after."""
    snapshot: dict[str, dict] = {}
    for board, rows in (("public", public_leaderboard(competition)),
                        ("private", private_ranking(competition))):
        for row in (row for row in rows if not row.is_baseline):
            entry = snapshot.setdefault(str(row.team_id), {"team": row.team_name})
            entry[board] = {"rank": row.rank, "score": row.score}
    return snapshot


def score_history(competition: Competition, participation: Participation) -> dict:
    """The team's scored submissions over time with the best so far; private scores only
    once the competition has ended."""
    closed = competition.phase() == Competition.Phase.CLOSED
    higher = competition.metric_info.higher_is_better
    scored = (team_submissions(competition, participation)
              .filter(status=Submission.Status.SCORED).order_by("created_at", "id"))
    points = [{"id": s.pk, "at": s.created_at, "public": s.public_score,
               "private": s.private_score if closed else None, "is_late": s.is_late}
              for s in scored]
    best_public = best_so_far([(p["at"], p["public"]) for p in points], higher)
    best_private = (best_so_far([(p["at"], p["private"]) for p in points
                                 if p["private"] is not None], higher) if closed else [])
    return {"metric": competition.metric, "higher_is_better": higher,
            "private_shown": closed, "points": points,
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
