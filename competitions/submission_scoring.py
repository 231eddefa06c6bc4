"""Scoring one submission, as a worker does: load it, claim it, score it with the scoring
library, save the result and the team's standing together, or mark it failed with a reason.

Failures are of two kinds. The file's fault (InvalidFile) ends the submission `failed`
with its problems. Our fault (a broken solution, storage, a time limit, a dead worker) is
tried again later (ScoreLater), and only after MAX_SCORING_ATTEMPTS becomes an "error on
our side" failure; either way failed files use no quota.
"""

import logging

from django.db import DatabaseError, connection

from scoring.problems import InvalidFile, Problem
from scoring.scorer import Scores, score_submission

from .events import announce, submission_finished
from .models import Competition, RescoreRecord, Submission
from .models.submission import MAX_SCORING_ATTEMPTS
from .rescoring import record_rescore_result

logger = logging.getLogger(__name__)
RETRY_DELAYS_SECONDS = (2, 10, 30)


class ScoreLater(Exception):
    """A failure on our side, released for another attempt in `countdown` seconds."""

    def __init__(self, countdown: int):
        super().__init__(f"score again in {countdown}s")
        self.countdown = countdown


def submission_score(*, submission_id: int) -> str:
    """Score one queued submission: "scored", "failed", "skipped" (not there, or claimed or
    finished by another message) or "superseded" (a rescore took it over meanwhile).
    Idempotent: a second message for a submission finds it claimed or finished.
    Raises ScoreLater when a failure on our side is worth another attempt."""
    try:
        # The competition is read in _score, after the claim, not here.
        submission = Submission.objects.filter(pk=submission_id).first()
        if submission is None or not submission.claim_for_scoring():
            return "skipped"
    except DatabaseError:
        # The database went away (a restart, a terminated connection): nothing was claimed,
        # so this message simply comes back later, on a new connection.
        logger.warning("Submission %s: no database; trying again", submission_id,
                       exc_info=True)
        connection.close()
        raise ScoreLater(RETRY_DELAYS_SECONDS[0]) from None
    try:
        outcome = _run(submission)
    except DatabaseError:
        # Claimed, then the connection broke: give the claim back on a new connection, or
        # the submission would wait for the long sweep. If the database is still away,
        # the error goes up and the long sweep it is.
        logger.warning("Submission %s: database connection lost while scoring",
                       submission_id, exc_info=True)
        connection.close()
        if submission.release_for_retry():
            raise ScoreLater(RETRY_DELAYS_SECONDS[0]) from None
        return "superseded"
    if outcome in ("scored", "failed"):
        _record_and_announce(submission_id, submission)
    return outcome


def _record_and_announce(submission_id: int, submission: Submission) -> None:
    """The result is committed: fill in its audit record and announce it. A connection cut
    now (a database restart) must neither turn the result into a failed task nor lose
    them, so each step runs once more on a new connection; a second failure goes up and
    Celery logs it."""

    def again_if_cut(step):
        try:
            return step()
        except DatabaseError:
            logger.warning("Submission %s: %s, then the database connection was lost; "
                           "trying again", submission_id, submission.status, exc_info=True)
            connection.close()
            return step()

    # Asked before the audit record is filled in: an open record means a rescore.
    rescore = again_if_cut(lambda: RescoreRecord.objects.filter(
        submission=submission, new_status="").exists())
    again_if_cut(lambda: record_rescore_result(submission))  # safe to repeat
    announce(submission_finished, Submission, submission=submission, rescore=rescore)


def _run(submission: Submission) -> str:
    if submission.attempts > MAX_SCORING_ATTEMPTS:
        # Earlier attempts died without a word (the worker was killed): stop here.
        logger.error("Submission %s: %s attempts, giving up", submission.pk,
                     submission.attempts - 1)
        submission.mark_failed([Problem("internal_error")])
        return "failed"
    try:
        scores = _score(submission)
    except InvalidFile as invalid:
        failed = submission.mark_failed(invalid.problems, count=invalid.count)
        return "failed" if failed else "superseded"
    except Exception:  # SoftTimeLimitExceeded included: all of these are on our side.
        logger.exception("Scoring submission %s failed (attempt %s)", submission.pk,
                         submission.attempts)
        if submission.attempts >= MAX_SCORING_ATTEMPTS:
            submission.mark_failed([Problem("internal_error")])
            return "failed"
        if submission.release_for_retry():
            delay = RETRY_DELAYS_SECONDS[min(submission.attempts, len(RETRY_DELAYS_SECONDS)) - 1]
            raise ScoreLater(delay) from None
        return "superseded"
    return "scored" if submission.mark_scored(scores) else "superseded"


def _score(submission: Submission) -> Scores:
    # Read after the claim: a solution replaced since the message was sent is the one used.
    competition = Competition.objects.get(pk=submission.competition_id)
    # A broken solution raises InvalidFile too, but its problems could quote hidden labels:
    # it is the organizer's problem, so it counts as ours here.
    try:
        solution = competition.load_solution()
    except InvalidFile as broken:
        raise RuntimeError(f"the hidden solution is invalid: {broken}") from None
    with submission.file.open("rb") as handle:
        data = handle.read()
    return competition_scores(competition, data, solution)


def competition_scores(competition: Competition, data: bytes, solution=None) -> Scores:
    """A submission file's scores under the competition's settings (InvalidFile if it
    does not validate): the worker's path, and a bundle's check after an import."""
    solution = solution if solution is not None else competition.load_solution()
    return score_submission(data, solution=solution, labels=competition.labels,
                            metric=competition.metric, fmt=competition.submission_format,
                            extra_metrics=competition.extra_metrics, top_k=competition.top_k,
                            max_unpacked_bytes=competition.max_unpacked_bytes)
