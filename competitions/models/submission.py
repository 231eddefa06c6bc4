from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from scoring.problems import Problem
from scoring.scorer import Scores

from ..storage import private_storage, submission_path
from .competition import METRIC_CHOICES, Competition
from .entrants import Team
from .standing import Standing

# Problems stored with a failed submission; the total is counted separately.
STORED_PROBLEMS = 10
# Scoring runs allowed before a failure on our side becomes final (still without quota).
MAX_SCORING_ATTEMPTS = 3


class SubmissionQuerySet(models.QuerySet):
    def counted(self) -> "SubmissionQuerySet":
        """Entries that count for a team's standing and can be final: scored, made
        before the end (late ones are scored for their author, never ranked)."""
        return self.filter(status=Submission.Status.SCORED, is_late=False,
                           public_score__isnull=False)

    def of_competing_teams(self) -> "SubmissionQuerySet":
        """Entries of teams that compete: not baselines, not host previews."""
        return self.filter(team__is_baseline=False, team__is_host_preview=False)

    def rankable(self) -> "SubmissionQuerySet":
        return self.counted().of_competing_teams()


class Submission(models.Model):
    """One uploaded file and its way through scoring: queued → scoring → scored | failed.

    The worker's writes are compare-and-set on (status, started_at): a rescore requested
    while a score is in flight wins, and the stale worker's result is dropped.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SCORING = "scoring", _("Scoring")
        SCORED = "scored", _("Scored")
        FAILED = "failed", _("Failed")

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE,
                                    related_name="submissions", verbose_name=_("competition"))
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="submissions",
                             verbose_name=_("team"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="submissions", verbose_name=_("submitted by"))
    file = models.FileField(_("file"), storage=private_storage, upload_to=submission_path)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    description = models.CharField(_("description"), max_length=500, blank=True)
    # Uploaded after the end: scored and shown to its author, never ranked.
    is_late = models.BooleanField(_("late"), default=False)
    # Marked by the team as one of its final submissions (see Standing for the automatic
    # choice when none is marked).
    is_final = models.BooleanField(_("final"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED, db_index=True)
    public_score = models.FloatField(_("public score"), null=True, blank=True)
    # Stored, never shown to participants before the private leaderboard is revealed.
    private_score = models.FloatField(_("private score"), null=True, blank=True)
    # The competition's display metrics: name → {"public": x, "private": y}.
    extra_scores = models.JSONField(_("extra scores"), default=dict, blank=True)
    # True × predicted counts per part: {"public": [[…]], "private": [[…]]}.
    confusion = models.JSONField(_("confusion matrices"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("number of problems"), default=0)
    error = models.TextField(_("error (English)"), blank=True)
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    # When the message that will score the submission in its current state was handed to
    # the broker; empty while none was (not yet, or the broker was down). The sweeper sends
    # those again within seconds, and leaves the others alone while their message waits.
    published_at = models.DateTimeField(_("sent to the workers at"), null=True, blank=True)
    # Scoring runs started; more than MAX_SCORING_ATTEMPTS means something on our side
    # keeps failing (a worker dying on this file), and the submission fails for good.
    attempts = models.PositiveSmallIntegerField(_("scoring attempts"), default=0)
    started_at = models.DateTimeField(_("scoring started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["competition", "status", "team"])]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def counts(self) -> bool:
        """The instance form of SubmissionQuerySet.counted: may it be final, rank?"""
        return (self.status == self.Status.SCORED and not self.is_late
                and self.public_score is not None)

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.SCORING)

    def claim_for_scoring(self) -> bool:
        """Queued → scoring, unless another worker or a finished score got there first."""
        started_at = timezone.now()
        # A scoring older than the hard time limit belongs to a worker that died: a
        # redelivered message may take it over.
        abandoned = started_at - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        claimable = Q(status=self.Status.QUEUED) | Q(status=self.Status.SCORING,
                                                     started_at__lt=abandoned)
        # One transaction: a connection cut between the claim and the read back would
        # otherwise leave a claim that nobody holds, "scoring" until the long sweep.
        with transaction.atomic():
            claimed = Submission.objects.filter(claimable, pk=self.pk).update(
                status=self.Status.SCORING, started_at=started_at, attempts=F("attempts") + 1)
            if claimed:
                self.refresh_from_db(fields=["status", "started_at", "attempts"])
        return bool(claimed)

    def release_for_retry(self) -> bool:
        """Scoring → queued after a failure on our side, for another attempt."""
        released = Submission.objects.filter(
            pk=self.pk, status=self.Status.SCORING, started_at=self.started_at,
        ).update(status=self.Status.QUEUED, queued_at=timezone.now(), started_at=None,
                 published_at=None)
        return bool(released)

    def mark_scored(self, scores: Scores) -> bool:
        return self._finish(status=self.Status.SCORED, public_score=scores.public,
                            private_score=scores.private, extra_scores=scores.extra,
                            confusion=scores.confusion, problems=[], problem_count=0,
                            error="")

    def mark_failed(self, problems: list[Problem], count: int | None = None) -> bool:
        """`count`: how many problems the file has in all, when `problems` holds only the
        first ones (InvalidFile.count)."""
        return self._finish(
            status=self.Status.FAILED, public_score=None, private_score=None, extra_scores={},
            confusion={}, problems=[problem.as_dict() for problem in problems[:STORED_PROBLEMS]],
            problem_count=len(problems) if count is None else count,
            error="\n".join(problem.message() for problem in problems[:STORED_PROBLEMS]))

    def _finish(self, **result) -> bool:
        """Save a result only if this is still the scoring that was claimed."""
        result["finished_at"] = timezone.now()
        # The score and the team's standing become visible together: nobody sees a scored
        # submission that the leaderboard does not know yet.
        with transaction.atomic():
            _lock_team(self.team_id)
            saved = Submission.objects.filter(pk=self.pk, status=self.Status.SCORING,
                                              started_at=self.started_at).update(**result)
            if saved:
                for field, value in result.items():
                    setattr(self, field, value)
                Standing.refresh(self.team_id)
        return bool(saved)

    def mark_queued(self) -> None:
        """Back to the queue, for a rescore or a lost message."""
        fields = self.queued_fields()
        for field, value in fields.items():
            setattr(self, field, value)
        with transaction.atomic():
            _lock_team(self.team_id)
            self.save(update_fields=list(fields))
            Standing.refresh(self.team_id)

    @classmethod
    def queued_fields(cls) -> dict:
        """What a submission becomes when it goes back to the queue: no score, no problems,
        and a new start for its attempts (a rescore is not another try of the old one).
        Used one by one (mark_queued) and in bulk (a rescore of everything)."""
        return {"status": cls.Status.QUEUED, "public_score": None, "private_score": None,
                "extra_scores": {}, "confusion": {}, "problems": [], "problem_count": 0,
                "error": "", "queued_at": timezone.now(), "published_at": None,
                "started_at": None, "finished_at": None, "attempts": 0}

    def public_extra_scores(self) -> list[tuple[str, float]]:
        """The display metrics on the public rows, labelled in the reader's language."""
        labels = dict(METRIC_CHOICES)
        return [(labels.get(name, name), values["public"])
                for name, values in self.extra_scores.items()
                if values.get("public") is not None]

    def problem_messages(self) -> list[str]:
        """The stored problems in the reader's language."""
        return [Problem.from_dict(data).message(gettext) for data in self.problems]

    @property
    def unlisted_problem_count(self) -> int:
        return max(0, self.problem_count - len(self.problems))


def _lock_team(team_id: int) -> None:
    """Writes that touch a team's submissions and its standing take the team's lock first,
    as uploads and final choices do: one order everywhere, so no deadlock."""
    Team.objects.select_for_update().filter(pk=team_id).first()
