from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from scoring.problems import Problem
from scoring.scorer import Scores

from ..storage import private_storage, submission_path
from .competition import Competition
from .entrants import Team

# Problems stored with a failed submission; the total is counted separately.
STORED_PROBLEMS = 10


class Submission(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SCORING = "scoring", _("Scoring")
        SCORED = "scored", _("Scored")
        FAILED = "failed", _("Failed")

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE,
                                    related_name="submissions")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="submissions")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="submissions")
    file = models.FileField(storage=private_storage, upload_to=submission_path)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    description = models.CharField(_("description"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED, db_index=True)
    public_score = models.FloatField(_("public score"), null=True, blank=True)
    # Stored, never shown to participants before the private leaderboard is revealed.
    private_score = models.FloatField(_("private score"), null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    error = models.TextField(_("error (English)"), blank=True)
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["competition", "status", "team"])]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.SCORING)

    def mark_scoring(self) -> None:
        self.status = self.Status.SCORING
        self.started_at = timezone.now()
        self.save(update_fields=["status", "started_at"])

    def mark_scored(self, scores: Scores) -> None:
        self.status = self.Status.SCORED
        self.public_score = scores.public
        self.private_score = scores.private
        self.problems, self.problem_count, self.error = [], 0, ""
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "public_score", "private_score", "problems",
                                 "problem_count", "error", "finished_at"])

    def mark_failed(self, problems: list[Problem]) -> None:
        self.status = self.Status.FAILED
        self.public_score = self.private_score = None
        self.problems = [problem.as_dict() for problem in problems[:STORED_PROBLEMS]]
        self.problem_count = len(problems)
        self.error = "\n".join(problem.message() for problem in problems[:STORED_PROBLEMS])
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "public_score", "private_score", "problems",
                                 "problem_count", "error", "finished_at"])

    def mark_queued(self) -> None:
        """Back to the queue, for a rescore or a lost message."""
        self.status = self.Status.QUEUED
        self.public_score = self.private_score = None
        self.problems, self.problem_count, self.error = [], 0, ""
        self.started_at = self.finished_at = None
        self.save(update_fields=["status", "public_score", "private_score", "problems",
                                 "problem_count", "error", "started_at", "finished_at"])

    def problem_messages(self) -> list[str]:
        """The stored problems in the reader's language."""
        return [Problem.from_dict(data).message(gettext) for data in self.problems]

    @property
    def unlisted_problem_count(self) -> int:
        return max(0, self.problem_count - len(self.problems))
