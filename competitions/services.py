"""Work that touches several models: joining, submitting, rescoring, setting the solution."""

import logging
from datetime import UTC, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from scoring.problems import MESSAGES, InvalidFile, Problem
from scoring.scorer import validate_submission
from scoring.solution import parse_solution

from . import policy
from .models import Competition, Participation, Submission, Team
from .queueing import enqueue_scoring, submissions_requeue_stuck

logger = logging.getLogger(__name__)

NOT_JOINED = policy.errors.NOT_JOINED
NOT_OPEN = _("This competition has not started yet.")
NO_SOLUTION = _("This competition is not ready for submissions yet.")
DAILY_LIMIT_REACHED = _(
    "You have used all %(limit)s submissions for today. The count resets at %(time)s."
)
TOTAL_LIMIT_REACHED = _("You have used all %(limit)s submissions of this competition.")
FILE_TOO_LARGE = _("The file is %(size)s; the limit for this competition is %(limit)s.")
EMPTY_UPLOAD = _(MESSAGES["empty_file"])


class SubmissionRefused(Exception):
    """The upload was not accepted; the message says why, in the reader's language, and
    the code says it to programs (the API maps it to an HTTP status)."""

    def __init__(self, message, code: str):
        super().__init__(message)
        self.code = code


def join_competition(*, competition: Competition, user) -> Participation:
    """The user's participation, created with a team of one if they had not joined yet."""
    with transaction.atomic():
        # Joins of one competition go one at a time: a double-click must not race into
        # the unique constraints on participation and team name.
        Competition.objects.select_for_update().filter(pk=competition.pk).first()
        existing = Participation.objects.filter(competition=competition, user=user).first()
        if existing:
            return existing
        # Organizers and the host may try their own competition, never rank in it.
        team = Team.objects.create(competition=competition,
                                   name=_unique_team_name(competition, user.get_username()),
                                   is_host_preview=policy.runs(user, competition))
        return Participation.objects.create(competition=competition, user=user, team=team,
                                            accepted_rules_at=timezone.now())


def _unique_team_name(competition: Competition, name: str) -> str:
    candidate, number = name, 1
    while Team.objects.filter(competition=competition, name=candidate).exists():
        number += 1
        candidate = f"{name} ({number})"
    return candidate


def start_of_utc_day(at: datetime) -> datetime:
    return datetime.combine(at.astimezone(UTC).date(), time.min, tzinfo=UTC)


def daily_limit(competition: Competition, team: Team) -> int:
    return competition.daily_submission_limit + team.extra_daily_submissions


def submissions_left_today(*, competition: Competition, team: Team) -> int:
    """Failed submissions don't count: most failures are fixed by uploading again."""
    today = start_of_utc_day(timezone.now())
    counted = team.submissions.exclude(status=Submission.Status.FAILED)
    used_today = counted.filter(created_at__gte=today,
                                created_at__lt=today + timedelta(1)).count()
    left = daily_limit(competition, team) - used_today
    if competition.total_submission_limit is not None:
        left = min(left, competition.total_submission_limit - counted.count())
    return max(0, left)


def next_reset(at: datetime | None = None) -> datetime:
    """When the daily count starts again: the next 00:00 UTC."""
    return start_of_utc_day(at or timezone.now()) + timedelta(days=1)


def submission_create(*, competition: Competition, user, file: UploadedFile,
                      description: str = "") -> Submission:
    """Store the upload and its row in one transaction; queue scoring after commit."""
    _check_joined(competition, user)
    _check_upload(competition, file)
    # After the end uploads are still scored, marked late and never ranked (Kaggle's late
    # submissions); before the start there is nothing to submit to.
    if competition.phase() == Competition.Phase.UPCOMING:
        raise SubmissionRefused(NOT_OPEN, "not_open")
    with transaction.atomic():
        # Lock the team so that concurrent uploads count one after another.
        team = _lock_own_team(competition, user)
        if submissions_left_today(competition=competition, team=team) <= 0:
            raise _limit_refusal(competition, team)
        now = timezone.now()
        submission = Submission(competition=competition, team=team, submitted_by=user,
                                original_name=file.name[:255], size=file.size,
                                description=description.strip(), created_at=now,
                                queued_at=now,
                                is_late=competition.phase(now) == Competition.Phase.CLOSED)
        submission.file.save(file.name, file, save=False)
        submission.save()
        transaction.on_commit(lambda: enqueue_scoring(submission.pk))
    return submission


def _lock_own_team(competition: Competition, user) -> Team:
    """The user's team, locked. A merge or a move between teams (competitions.teams) may
    commit while this waits for the lock: then the participation names another team, read
    again once the lock is held, and that team is locked instead."""
    for _attempt in range(5):
        team_id = (Participation.objects.filter(competition=competition, user=user)
                   .values_list("team_id", flat=True).first())
        if team_id is None:
            raise SubmissionRefused(NOT_JOINED, "not_joined")
        team = Team.objects.select_for_update().filter(pk=team_id).first()
        if team is not None and Participation.objects.filter(
                competition=competition, user=user, team=team).exists():
            return team
    raise SubmissionRefused(NOT_JOINED, "not_joined")


def _limit_refusal(competition: Competition, team: Team) -> SubmissionRefused:
    total = competition.total_submission_limit
    if total is not None and team.submissions.exclude(
            status=Submission.Status.FAILED).count() >= total:
        return SubmissionRefused(TOTAL_LIMIT_REACHED % {"limit": total}, "total_limit")
    return SubmissionRefused(DAILY_LIMIT_REACHED % {
        "limit": daily_limit(competition, team), "time": reset_time_shown()}, "daily_limit")


def reset_time_shown(at: datetime | None = None) -> str:
    """When the daily count starts again, in the reader's time zone (config.timezones):
    00:00 UTC is 09:00 JST or 19:00 EST, and a learner should not have to work that out."""
    return date_format(timezone.localtime(next_reset(at)), "H:i T")


def submission_validate(*, competition: Competition, user, file: UploadedFile
                        ) -> tuple[list[Problem], int]:
    """The dry run: the same checks as scoring, against the hidden ids and labels. It
    answers valid (no problems) or the first problems and how many there are in all, never
    a score, and uses no quota."""
    _check_joined(competition, user)
    _check_upload(competition, file)
    try:
        solution = competition.load_solution()
    except InvalidFile:
        # A broken solution's problems would quote hidden labels: say only "not ready".
        logger.error("The hidden solution of %s does not parse", competition.slug)
        raise SubmissionRefused(NO_SOLUTION, "not_ready") from None
    try:
        validate_submission(file.read(), solution=solution, labels=competition.labels,
                            fmt=competition.submission_format,
                            max_unpacked_bytes=competition.max_unpacked_bytes)
    except InvalidFile as invalid:
        return invalid.problems, invalid.count
    return [], 0


def _check_joined(competition: Competition, user) -> None:
    if policy.participation_for(competition, user) is None:
        raise SubmissionRefused(NOT_JOINED, "not_joined")


def _check_upload(competition: Competition, file: UploadedFile) -> None:
    if file.size == 0:
        raise SubmissionRefused(EMPTY_UPLOAD, "empty_file")
    if file.size > competition.max_upload_bytes:
        raise SubmissionRefused(FILE_TOO_LARGE % {
            "size": filesizeformat(file.size),
            "limit": filesizeformat(competition.max_upload_bytes)}, "too_large")
    if not competition.has_solution:
        raise SubmissionRefused(NO_SOLUTION, "not_ready")


def submission_rescore(*, submission: Submission) -> None:
    with transaction.atomic():
        submission.mark_queued()
        transaction.on_commit(lambda: enqueue_scoring(submission.pk))


@transaction.atomic
def solution_set(*, competition: Competition, content: bytes, name: str | None = None) -> None:
    """Check the hidden solution against the competition's labels and store it.

    Raises InvalidFile listing every problem; nothing is stored then. `name`: a storage
    name chosen (and recorded) by the caller, where the file is written already; the
    competition builder does so, to be able to remove every file of a failed build.
    """
    solution = parse_solution(content, competition.labels)
    old_file = competition.solution_file.name if competition.has_solution else None
    if name is None:
        competition.solution_file.save("solution.csv", ContentFile(content), save=False)
    else:
        competition.solution_file.name = name
    competition.solution_public_rows = solution.public_count
    competition.solution_private_rows = solution.private_count
    competition.save(update_fields=["solution_file", "solution_public_rows",
                                    "solution_private_rows"])
    if old_file:
        delete_file_after_commit(competition.solution_file.storage, old_file)


def delete_file_after_commit(storage, name: str) -> None:
    """Files are not transactional: delete one only once the rows that named it are gone
    for good, so that a rollback never leaves a row pointing at a deleted file."""
    transaction.on_commit(lambda: storage.delete(name))


__all__ = ["InvalidFile", "SubmissionRefused", "delete_file_after_commit", "join_competition",
           "parse_solution", "solution_set", "submission_create", "submission_rescore",
           "submission_validate", "submissions_left_today", "submissions_requeue_stuck"]
