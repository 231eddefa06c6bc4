"""Replacing the hidden solution after a label fix: every submission is rescored in the
background, and an audit keeps each old and new score and the ranks before and after."""

from django.db import transaction
from django.utils import timezone

from . import selectors
from .events import announce, rescore_finished
from .models import Board, Competition, RescoreRecord, RescoreRun, Submission
from .queueing import enqueue_scoring
from .services import solution_set


@transaction.atomic
def solution_replace(*, competition: Competition, content: bytes, user=None,
                     reason: str = "") -> RescoreRun:
    """Store the new solution and queue every finished submission for rescoring.

    Raises InvalidFile (nothing changes) when the new solution has problems.
    """
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    run = RescoreRun.objects.create(competition=competition, started_by=user, reason=reason,
                                    ranks_before=selectors.ranks_snapshot(competition))
    solution_set(competition=competition, content=content)
    _queue_everything(competition, run)
    return run


@transaction.atomic
def competition_rescore(*, competition: Competition, user=None, reason: str = ""
                        ) -> RescoreRun:
    """Queue every submission for rescoring, with the same audit: after the organizer
    changes how scores are computed (the metric, its k). Call it before saving the
    change, so that the ranks before are those of the old scores; the workers read the
    competition after the transaction commits."""
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    run = RescoreRun.objects.create(competition=competition, started_by=user, reason=reason,
                                    ranks_before=selectors.ranks_snapshot(competition))
    _queue_everything(competition, run)
    return run


def _queue_everything(competition: Competition, run: RescoreRun) -> None:
    # Every submission, those queued or being scored too: a score in flight with the old
    # solution is dropped when its worker tries to save it (the claim no longer holds).
    submissions = list(competition.submissions.all())
    RescoreRecord.objects.bulk_create([
        RescoreRecord(run=run, submission=submission, old_status=submission.status,
                      old_public_score=submission.public_score,
                      old_private_score=submission.private_score)
        for submission in submissions])
    # One UPDATE for all: at 500,000 submissions, one each would hold the admin request.
    competition.submissions.update(**Submission.queued_fields())
    # Nothing is scored now: every team's standing comes back with its new scores.
    competition.standings.all().delete()
    for submission in submissions:
        transaction.on_commit(lambda pk=submission.pk: enqueue_scoring(pk))
    if not submissions:
        _finish(run)


def record_rescore_result(submission: Submission) -> None:
    """Called by the worker after a submission is finished: fill in its audit record, and
    close the run with the ranks after once its last submission is done. Safe to call
    again (a connection cut halfway): a run left unclosed with nothing open is closed."""
    open_records = RescoreRecord.objects.filter(submission=submission, new_status="",
                                                run__finished_at__isnull=True)
    for record in open_records:
        record.new_status = submission.status
        record.new_public_score = submission.public_score
        record.new_private_score = submission.private_score
        record.save(update_fields=["new_status", "new_public_score", "new_private_score"])
    done = RescoreRun.objects.filter(records__submission=submission, finished_at__isnull=True
                                     ).exclude(records__new_status="").distinct()
    for run in done:
        _finish(run)


def _finish(run: RescoreRun) -> None:
    ranks_after = selectors.ranks_snapshot(run.competition)
    # Closed once: two workers finishing the last submissions at once, or a call again
    # after a cut, find it closed and announce nothing.
    closed = RescoreRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(
        ranks_after=ranks_after, finished_at=timezone.now())
    if closed:
        run.refresh_from_db(fields=["ranks_after", "finished_at"])
        announce(rescore_finished, RescoreRun, run=run)


def rank_changes(run: RescoreRun) -> list[dict]:
    """One row per team: rank and score before and after on each board (after: now, if the
    run is still going)."""
    after = run.ranks_after if run.ranks_after is not None else selectors.ranks_snapshot(
        run.competition)
    rows = []
    for team_id in sorted(set(run.ranks_before) | set(after), key=int):
        before_entry, after_entry = run.ranks_before.get(team_id, {}), after.get(team_id, {})
        row = {"team": before_entry.get("team") or after_entry.get("team")}
        for board in Board:
            row[f"{board}_before"] = before_entry.get(board)
            row[f"{board}_after"] = after_entry.get(board)
        rows.append(row)
    return sorted(rows, key=lambda row: (row["public_after"] or {}).get("rank", 10**9))
