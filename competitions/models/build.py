"""A community competition being built from a zip: its request, progress and outcome."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..builder.build import Progress
from ..builder.refusals import BuildRefused
from ..storage import build_upload_path, private_storage
from .competition import Competition, Visibility

# Runs allowed before a build whose workers keep dying fails for good.
MAX_BUILD_ATTEMPTS = 3


class Superseded(Exception):
    """A later run has taken the build over: this run stops and changes nothing."""


class CompetitionBuild(models.Model):
    """queued → running → done | failed. The page polls the counters while it runs.

    The files a run will write are named in `pending_files` before the first is written:
    a failed run deletes them, and a run taking over from a worker that died deletes
    what that one left, so a build never leaves a half-made competition behind.

    Each run is known by its attempt number. A run believed dead may still be alive (the
    threads pool ignores time limits): every change a run makes is a compare-and-set on
    (running, its attempt), and a run that finds the build taken over raises Superseded
    and stops without touching it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Building")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Stage(models.TextChoices):
        READING = "reading", _("Reading the zip")
        IMAGES = "images", _("Processing images")
        WRITING = "writing", _("Writing the competition's files")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="competition_builds", verbose_name=_("host"))
    slug = models.SlugField(_("slug"))
    title = models.CharField(_("title"), max_length=200)
    short_description = models.CharField(_("short description"), max_length=300, blank=True)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    test_fraction = models.FloatField(_("share of images for testing"), default=0.2)
    public_fraction = models.FloatField(_("share of the test images on the public board"),
                                        default=0.3)
    max_side = models.PositiveIntegerField(_("maximum side in pixels"), null=True, blank=True)
    fixed_side = models.PositiveIntegerField(_("fixed square side in pixels"), null=True,
                                             blank=True)
    keep_split = models.BooleanField(
        _("keep the zip's own train/test split"), default=False,
        help_text=_("For a zip with train/ and val/ (or test/) folders: keep them as the "
                    "training and test sets instead of merging and splitting anew."))
    # Built from the admin: the competition has no host, starts unpublished (the publish
    # checklist comes first) and whoever asked for it becomes one of its organizers.
    organizer_run = models.BooleanField(_("built in the admin"), default=False)
    upload = models.FileField(_("zip"), storage=private_storage, upload_to=build_upload_path,
                              blank=True)
    upload_name = models.CharField(_("zip name"), max_length=255)
    upload_size = models.PositiveBigIntegerField(_("zip size (bytes)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED, db_index=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices,
                             default=Stage.READING)
    files_total = models.PositiveIntegerField(_("files in the zip"), default=0)
    files_read = models.PositiveIntegerField(_("files read"), default=0)
    images_total = models.PositiveIntegerField(_("images"), default=0)
    images_done = models.PositiveIntegerField(_("images processed"), default=0)
    refusal = models.JSONField(_("why it failed"), default=dict, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    pending_files = models.JSONField(_("files being written"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    competition = models.ForeignKey(Competition, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="builds",
                                    verbose_name=_("competition"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One build at a time per person, and one per address.
            models.UniqueConstraint(fields=["host"], condition=Q(status__in=["queued", "running"]),
                                    name="one_active_build_per_host"),
            models.UniqueConstraint(fields=["slug"], condition=Q(status__in=["queued", "running"]),
                                    name="one_active_build_per_slug"),
        ]
        verbose_name = _("competition build")
        verbose_name_plural = _("competition builds")

    def __str__(self) -> str:
        return f"{self.slug} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        """Rough overall progress: reading 5 %, images up to 90 %, writing the rest."""
        if self.status == self.Status.DONE:
            return 100
        if self.stage == self.Stage.WRITING:
            return 95
        if self.stage == self.Stage.IMAGES and self.images_total:
            return 5 + int(85 * self.images_done / self.images_total)
        return 2 if self.status == self.Status.RUNNING else 0

    def claim(self) -> bool:
        """Queued → running, unless another worker has it. A run older than the hard time
        limit belongs to a worker that died: a redelivered message takes it over."""
        now = timezone.now()
        abandoned = now - timedelta(seconds=settings.COMMUNITY_BUILD_TIME_LIMIT + 60)
        claimed = CompetitionBuild.objects.filter(
            Q(status=self.Status.QUEUED) | Q(status=self.Status.RUNNING, started_at__lt=abandoned),
            pk=self.pk,
        ).update(status=self.Status.RUNNING, started_at=now, attempts=F("attempts") + 1,
                 stage=self.Stage.READING, files_read=0, images_done=0)
        if claimed:
            self.refresh_from_db()
        return bool(claimed)

    def is_current(self) -> bool:
        """Whether this run still holds the build (no later run took it over)."""
        return self._as_claimed().exists()

    def _as_claimed(self):
        return CompetitionBuild.objects.filter(pk=self.pk, status=self.Status.RUNNING,
                                               attempts=self.attempts)

    def _set(self, **fields) -> None:
        """Save `fields` if this run still holds the build; Superseded if not."""
        if not self._as_claimed().update(**fields):
            raise Superseded(f"build {self.pk}, attempt {self.attempts}")
        for name, value in fields.items():
            setattr(self, name, value)

    def record_progress(self, progress: Progress) -> None:
        self._set(stage=progress.stage, files_total=progress.files_total,
                  files_read=progress.files_read, images_total=progress.images_total,
                  images_done=progress.images_done)

    def record_pending_files(self, names: list[str]) -> None:
        """Saved (and committed, outside any transaction) before the files are written."""
        self._set(pending_files=names)

    def mark_done(self, competition: Competition, report: dict) -> None:
        """Inside the transaction that creates the competition: if another run has taken
        the build over, Superseded rolls the competition back."""
        self._set(status=self.Status.DONE, competition=competition, report=report,
                  pending_files=[], finished_at=timezone.now())

    def mark_failed(self, refusal: BuildRefused) -> None:
        self._set(status=self.Status.FAILED, refusal=refusal.as_dict(), pending_files=[],
                  finished_at=timezone.now())

    def mark_requeued(self) -> None:
        CompetitionBuild.objects.filter(pk=self.pk).update(queued_at=timezone.now())

    def error_message(self) -> str:
        """Why it failed, in the reader's language."""
        if not self.refusal:
            return ""
        return BuildRefused.from_dict(self.refusal).message(gettext)
