"""CSV exports for organizers, safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Iterable

from . import selectors
from .models import Competition, Submission

# A cell that begins with one of these is a formula to Excel and LibreOffice (CSV
# injection): text cells get a leading apostrophe, which the spreadsheet shows as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(header: list[str], rows: Iterable[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return buffer.getvalue()


def leaderboards_csv(competitions: Iterable[Competition]) -> str:
    """Both boards of each competition: rank, participant, best score, entries, time."""
    rows = []
    for competition in competitions:
        for board, ranking in (("public", selectors.public_leaderboard(competition)),
                               ("private", selectors.private_ranking(competition))):
            rows += [[competition.slug, board, row.rank, row.team_name, row.score, row.entries,
                      row.best_at.isoformat()] for row in ranking]
    return _csv(["competition", "board", "rank", "participant", "score", "entries",
                 "best_entry_at"], rows)


def submissions_csv(competitions: Iterable[Competition]) -> str:
    submissions = (Submission.objects.filter(competition__in=list(competitions))
                   .select_related("competition", "team", "submitted_by")
                   .order_by("competition__slug", "created_at", "id"))
    return _csv(
        ["competition", "id", "participant", "submitted_by", "file_name", "description",
         "status", "late", "public_score", "private_score", "created_at", "finished_at",
         "error"],
        ([s.competition.slug, s.pk, s.team.name, s.submitted_by.get_username(),
          s.original_name, s.description, s.status, s.is_late, s.public_score,
          s.private_score, s.created_at.isoformat(),
          s.finished_at.isoformat() if s.finished_at else "", s.error]
         for s in submissions))
