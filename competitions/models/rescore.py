from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .competition import Competition
from .submission import Submission


class RescoreRun(models.Model):
    """The hidden solution was replaced and every submission rescored: the audit of it."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE,
                                    related_name="rescore_runs", verbose_name=_("competition"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, verbose_name=_("started by"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # team id → {"team", "rank", "score"} on each board, before and after the rescore.
    ranks_before = models.JSONField(_("ranks before"), default=dict)
    ranks_after = models.JSONField(_("ranks after"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("rescore after a solution change")
        verbose_name_plural = _("rescores after a solution change")

    def __str__(self) -> str:
        return f"{self.competition} · {self.started_at:%Y-%m-%d %H:%M}"


class RescoreRecord(models.Model):
    """One submission's result before and after a rescore."""

    run = models.ForeignKey(RescoreRun, on_delete=models.CASCADE, related_name="records",
                            verbose_name=_("rescore"))
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE,
                                   related_name="rescore_records",
                                   verbose_name=_("submission"))
    old_status = models.CharField(_("old status"), max_length=10)
    old_public_score = models.FloatField(_("old public score"), null=True)
    old_private_score = models.FloatField(_("old private score"), null=True)
    new_status = models.CharField(_("new status"), max_length=10, blank=True)
    new_public_score = models.FloatField(_("new public score"), null=True)
    new_private_score = models.FloatField(_("new private score"), null=True)

    class Meta:
        ordering = ["submission_id"]
        constraints = [models.UniqueConstraint(fields=["run", "submission"],
                                               name="one_record_per_submission_and_run")]
        verbose_name = _("rescored submission")
        verbose_name_plural = _("rescored submissions")

    def __str__(self) -> str:
        return f"#{self.submission_id}"

    @property
    def is_done(self) -> bool:
        return bool(self.new_status)
