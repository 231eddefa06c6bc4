"""CSV exports for organizers, safe to open in a spreadsheet, streamed as they are written.

A competition with tens of thousands of submissions is exported without holding them all:
the rows are read from the database in chunks (`.iterator()`) and sent a few hundred lines
at a time.

A teacher opens these in a spreadsheet: the headers, boards and statuses are in the
reader's language and the times in the site's time zone (named in the header, the same
for every reader, whatever zone their pages use), written
as a spreadsheet reads a date ("2026-04-01 18:00:00"), not as UTC ISO strings.
"""

import csv
import io
from collections.abc import Iterable, Iterator

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.names import display_name

from . import selectors
from .models import Board, Competition, Participation, Submission

# A cell that begins with one of these is a formula to Excel and LibreOffice (CSV
# injection): text cells get a leading apostrophe, which the spreadsheet shows as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A byte-order mark, so that Excel on Japanese Windows reads UTF-8 names right.
BYTE_ORDER_MARK = "\ufeff"
# Rows written per piece sent, and rows read from the database per query round trip.
ROWS_PER_CHUNK = 500
ROWS_PER_FETCH = 2000

# "{zone}" is the site's time zone, so that nobody has to guess what the times mean.
# "members": who is in the team, as MEMBERS_SEPARATOR-joined member_label()s.
LEADERBOARD_HEADER = [_("competition"), _("board"), _("rank"), _("participant"), _("members"),
                      _("student numbers"), _("score"), _("entries"),
                      _("best entry at ({zone})")]
SUBMISSION_HEADER = [_("competition"), _("submission"), _("participant"), _("members"),
                     _("submitted by"),
                     _("student number"), _("file name"), _("description"), _("status"), _("late"),
                     _("public score"), _("private score"), _("submitted at ({zone})"),
                     _("finished at ({zone})"), _("error")]
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
MEMBERS_SEPARATOR = "; "


def header(columns: list) -> list[str]:
    zone = timezone.get_default_timezone_name()
    return [str(column).format(zone=zone) for column in columns]


def local_time(value) -> str:
    # The site's zone, not the reader's (config.timezones): a file is passed around a
    # course, and one file in one stated zone is easier to merge than each reader's own.
    return (timezone.localtime(value, timezone.get_default_timezone()).strftime(TIME_FORMAT)
            if value else "")


def yes_no(value: bool) -> str:
    return str(_("yes")) if value else str(_("no"))


def in_language(language: str, rows: Iterable[list]) -> Iterator[list]:
    """The rows, made in the language of the request that asked for them: a streamed
    response is written after the view returned, when that language may no longer be
    active."""
    with translation.override(language):
        yield from rows


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


def student_numbers(competitions: Iterable[Competition]) -> dict[tuple[int, int], str]:
    """(competition id, user id) → the learner's student number there (class rosters);
    one query, a class's worth of rows."""
    return {(competition_id, user_id): number for competition_id, user_id, number in
            Participation.objects.filter(competition__in=list(competitions))
            .exclude(student_number="")
            .values_list("competition_id", "user_id", "student_number")}


def team_student_numbers(competition: Competition) -> dict[int, str]:
    """Team id → its members' student numbers, for grading a team's rank."""
    numbers: dict[int, list[str]] = {}
    for team_id, number in (Participation.objects.filter(competition=competition)
                            .exclude(student_number="")
                            .values_list("team_id", "student_number")):
        numbers.setdefault(team_id, []).append(number)
    return {team_id: " ".join(sorted(values)) for team_id, values in numbers.items()}


def member_label(user, student_number: str = "") -> str:
    """A member as the organizer's export names them: the display name, then the username
    (where it differs) and the student number in brackets, "山田 太郎 (learner01, S1)".
    A deleted account is only "deleted user": its username names no one any more."""
    shown = display_name(user)
    try:
        deleted = user.profile.deleted_at is not None
    except ObjectDoesNotExist:  # no profile yet: not deleted
        deleted = False
    extras = [] if deleted or shown == user.get_username() else [user.get_username()]
    extras += [student_number] if student_number else []
    return f"{shown} ({', '.join(extras)})" if extras else shown


def team_members(competitions: Iterable[Competition]) -> dict[int, str]:
    """Team id → its members in the order they joined (member_label), for a team that is
    one row; one query, a class's worth of rows."""
    members: dict[int, list[str]] = {}
    for participation in (Participation.objects.filter(competition__in=list(competitions))
                          .select_related("user__profile").order_by("pk")):
        members.setdefault(participation.team_id, []).append(
            member_label(participation.user, participation.student_number))
    return {team_id: MEMBERS_SEPARATOR.join(labels) for team_id, labels in members.items()}


def leaderboard_rows(competitions: Iterable[Competition]) -> Iterator[list]:
    """Both boards of each competition: rank, participant, best score, entries, time. Each
    competition's boards are read only when the previous one has been sent."""
    for competition in competitions:
        numbers = team_student_numbers(competition)
        members = team_members([competition])
        for board, ranking in ((Board.PUBLIC, selectors.public_leaderboard(competition)),
                               (Board.PRIVATE, selectors.private_ranking(competition))):
            for row in ranking:
                yield [competition.slug, board.label, row.rank, row.team_name,
                       members.get(row.team_id, ""), numbers.get(row.team_id, ""), row.score,
                       row.entries,
                       local_time(row.best_at)]


def submission_rows(competitions: Iterable[Competition]) -> Iterator[list]:
    """Every submission of the competitions, oldest first, read in chunks."""
    competitions = list(competitions)
    numbers = student_numbers(competitions)
    members = team_members(competitions)
    username = "submitted_by__" + get_user_model().USERNAME_FIELD
    rows = (Submission.objects.filter(competition__in=competitions)
            .order_by("competition__slug", "created_at", "id")
            .values_list("competition__slug", "id", "team_id", "team__name", username,
                         "competition_id",
                         "submitted_by_id", "original_name",
                         "description", "status", "is_late", "public_score",
                         "private_score", "created_at", "finished_at", "error"))
    for (slug, pk, team_id, team, user, competition_id, user_id, name, description, status,
         late, public, private, created, finished, error) in rows.iterator(
            chunk_size=ROWS_PER_FETCH):
        yield [slug, pk, team, members.get(team_id, ""), user,
               numbers.get((competition_id, user_id), ""), name,
               description, Submission.Status(status).label,
               yes_no(late), public, private, local_time(created), local_time(finished),
               error]


def leaderboards_csv_response(competitions: Iterable[Competition]) -> StreamingHttpResponse:
    rows = in_language(translation.get_language(), leaderboard_rows(competitions))
    return csv_response(csv_chunks(header(LEADERBOARD_HEADER), rows), "leaderboards.csv")


def submissions_csv_response(competitions: Iterable[Competition]) -> StreamingHttpResponse:
    rows = in_language(translation.get_language(), submission_rows(competitions))
    return csv_response(csv_chunks(header(SUBMISSION_HEADER), rows), "submissions.csv")
