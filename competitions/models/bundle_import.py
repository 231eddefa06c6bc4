"""A competition bundle being imported in the background: its request, progress and outcome.

Two kinds: an uploaded bundle (the admin's *Import a bundle*), and *Run again*, which
exports a competition and imports it straight back under a new address and dates.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..storage import bundle_upload_path, private_storage
from .build import Superseded
from .competition import Competition

# Runs allowed before an import whose workers keep dying fails for good.
MAX_IMPORT_ATTEMPTS = 3


class BundleImport(models.Model):
    """queued → running → done | failed; the status page polls it while it runs.

    As with CompetitionBuild: the files a run will write are named in `pending_files`
    before the first is written (a run taking over from a worker that died deletes them),
    and every change a run makes is a compare-and-set on (running, its attempt), so that a
    run believed dead that is still alive changes nothing (Superseded).
    """

    class Kind(models.TextChoices):
        UPLOAD = "upload", _("Uploaded bundle")
        RERUN = "rerun", _("Run again")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Stage(models.TextChoices):
        EXPORTING = "exporting", _("Copying the competition")
        CHECKING = "checking", _("Checking the bundle's files")
        WRITING = "writing", _("Writing the competition's files")
        SCORING = "scoring", _("Scoring the bundled submissions again")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices,
                            default=Kind.UPLOAD)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="bundle_imports",
                                     verbose_name=_("requested by"))
    # Run again: the competition copied (checked again when the import runs).
    source = models.ForeignKey(Competition, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="copies", verbose_name=_("copied competition"))
    slug = models.SlugField(_("slug"))
    title = models.CharField(_("title"), max_length=200, blank=True,
                             help_text=_("Empty: the bundle's title."))
    start_at = models.DateTimeField(_("start"))
    end_at = models.DateTimeField(_("end"), null=True, blank=True)
    upload = models.FileField(_("bundle"), storage=private_storage,
                              upload_to=bundle_upload_path, blank=True)
    upload_name = models.CharField(_("bundle name"), max_length=255, blank=True)
    upload_size = models.PositiveBigIntegerField(_("bundle size (bytes)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED, db_index=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices,
                             default=Stage.CHECKING)
    files_total = models.PositiveIntegerField(_("files"), default=0)
    files_done = models.PositiveIntegerField(_("files done"), default=0)
    refusal = models.JSONField(_("why it failed"), default=dict, blank=True)
    submissions_checked = models.PositiveIntegerField(_("submissions scored again"),
                                                      default=0)
    pending_files = models.JSONField(_("files being written"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    competition = models.ForeignKey(Competition, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="bundle_imports",
                                    verbose_name=_("competition"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Two imports racing for one address: the second is refused at once.
            models.UniqueConstraint(fields=["slug"], condition=Q(status__in=["queued", "running"]),
                                    name="one_active_bundle_import_per_slug"),
        ]
        verbose_name = _("bundle import")
        verbose_name_plural = _("bundle imports")

    def __str__(self) -> str:
        return f"{self.slug} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        """Rough overall progress: copying 10 %, checking up to 40 %, writing up to 90 %,
        scoring the rest."""
        if self.status == self.Status.DONE:
            return 100
        start, width = {self.Stage.EXPORTING: (0, 10), self.Stage.CHECKING: (10, 30),
                        self.Stage.WRITING: (40, 50), self.Stage.SCORING: (90, 10)}[self.stage]
        if self.status != self.Status.RUNNING:
            return 0
        share = self.files_done / self.files_total if self.files_total else 0
        return start + int(width * share)

    def claim(self) -> bool:
        """Queued → running, unless another worker has it. A run older than the hard time
        limit belongs to a worker that died: a redelivered message takes it over."""
        now = timezone.now()
        abandoned = now - timedelta(seconds=settings.BUNDLE_IMPORT_TIME_LIMIT + 60)
        claimed = BundleImport.objects.filter(
            Q(status=self.Status.QUEUED) | Q(status=self.Status.RUNNING, started_at__lt=abandoned),
            pk=self.pk,
        ).update(status=self.Status.RUNNING, started_at=now, attempts=F("attempts") + 1,
                 stage=self.Stage.CHECKING, files_done=0, files_total=0)
        if claimed:
            self.refresh_from_db()
        return bool(claimed)

    def is_current(self) -> bool:
        """Whether this run still holds the import (no later run took it over)."""
        return self._as_claimed().exists()

    def _as_claimed(self):
        return BundleImport.objects.filter(pk=self.pk, status=self.Status.RUNNING,
                                           attempts=self.attempts)

    def _set(self, **fields) -> None:
        """Save `fields` if this run still holds the import; Superseded if not."""
        if not self._as_claimed().update(**fields):
            raise Superseded(f"bundle import {self.pk}, attempt {self.attempts}")
        for name, value in fields.items():
            setattr(self, name, value)

    def record_progress(self, stage: str, done: int, total: int) -> None:
        self._set(stage=stage, files_done=done, files_total=total)

    def record_pending_files(self, names: list[str]) -> None:
        """Saved (and committed, outside any transaction) before the files are written."""
        self._set(pending_files=names)

    def mark_done(self, competition: Competition, submissions_checked: int) -> None:
        """Inside the transaction that creates the competition: if another run has taken
        the import over, Superseded rolls the competition back."""
        self._set(status=self.Status.DONE, competition=competition,
                  submissions_checked=submissions_checked, pending_files=[],
                  finished_at=timezone.now())

    def mark_failed(self, refusal) -> None:
        """`refusal`: a BundleRefused."""
        self._set(status=self.Status.FAILED, refusal=refusal.as_dict(), pending_files=[],
                  finished_at=timezone.now())

    def mark_requeued(self) -> None:
        BundleImport.objects.filter(pk=self.pk).update(queued_at=timezone.now())

    def error_message(self) -> str:
        """Why it failed, in the reader's language."""
        if not self.refusal:
            return ""
        # Imported here: the bundles package imports the models.
        from ..bundles.manifest import BundleRefused

        return BundleRefused.from_dict(self.refusal).message(gettext)
