"""CSV exports for organizers, safe to open in a spreadsheet, streamed as they are written.

A competition with tens of thousands of submissions is exported without holding them all:
the rows are read from the database in chunks (`.iterator()`) and sent a few hundred lines
at a time.
"""

import csv
import io
from collections.abc import Iterable, Iterator

from django.contrib.auth import get_user_model
from django.http import StreamingHttpResponse

from . import selectors
from .models import Board, Competition, Submission

# A cell that begins with one of these is a formula to Excel and LibreOffice (CSV
# injection): text cells get a leading apostrophe, which the spreadsheet shows as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A byte-order mark, so that Excel on Japanese Windows reads UTF-8 names right.
BYTE_ORDER_MARK = "\ufeff"
# Rows written per piece sent, and rows read from the database per query round trip.
ROWS_PER_CHUNK = 500
ROWS_PER_FETCH = 2000

LEADERBOARD_HEADER = ["competition", "board", "rank", "participant", "score", "entries",
                      "best_entry_at"]
SUBMISSION_HEADER = ["competition", "id", "participant", "submitted_by", "file_name",
                     "description", "status", "late", "public_score", "private_score",
                     "created_at", "finished_at", "error"]


def neutralise(value) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_chunks(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The CSV text (byte-order mark first) in pieces of ROWS_PER_CHUNK rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BYTE_ORDER_MARK)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([neutralise(value) for value in row])
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(chunks: Iterator[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def leaderboard_rows(competitions: Iterable[Competition]) -> Iterator[list]:
    """Both boards of each competition: rank, participant, best score, entries, time. Each
    competition's boards are read only when the previous one has been sent."""
    for competition in competitions:
        for board, ranking in ((Board.PUBLIC, selectors.public_leaderboard(competition)),
                               (Board.PRIVATE, selectors.private_ranking(competition))):
            for row in ranking:
                yield [competition.slug, board, row.rank, row.team_name, row.score,
                       row.entries, row.best_at.isoformat()]


def submission_rows(competitions: Iterable[Competition]) -> Iterator[list]:
    """Every submission of the competitions, oldest first, read in chunks."""
    username = "submitted_by__" + get_user_model().USERNAME_FIELD
    rows = (Submission.objects.filter(competition__in=list(competitions))
            .order_by("competition__slug", "created_at", "id")
            .values_list("competition__slug", "id", "team__name", username, "original_name",
                         "description", "status", "is_late", "public_score",
                         "private_score", "created_at", "finished_at", "error"))
    for (slug, pk, team, user, name, description, status, late, public, private, created,
         finished, error) in rows.iterator(chunk_size=ROWS_PER_FETCH):
        yield [slug, pk, team, user, name, description, status, late, public, private,
               created.isoformat(), finished.isoformat() if finished else "", error]


def leaderboards_csv_response(competitions: Iterable[Competition]) -> StreamingHttpResponse:
    return csv_response(csv_chunks(LEADERBOARD_HEADER, leaderboard_rows(competitions)),
                        "leaderboards.csv")


def submissions_csv_response(competitions: Iterable[Competition]) -> StreamingHttpResponse:
    return csv_response(csv_chunks(SUBMISSION_HEADER, submission_rows(competitions)),
                        "submissions.csv")
