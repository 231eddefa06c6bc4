import secrets
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scoring.compression import MAX_UNPACKED_BYTES
from scoring.formats import Header, Kind, LabelsAs, SubmissionFormat
from scoring.metrics import METRICS
from scoring.solution import Solution, read_solution

from ..storage import data_file_path, gallery_path, private_storage, solution_path

METRIC_CHOICES = [(name, _(metric.label)) for name, metric in METRICS.items()]
# The metric labels, for makemessages.
_("Accuracy"), _("Balanced accuracy"), _("Macro-F1"), _("Top-k accuracy"), _("Log loss")


class HeaderChoice(models.TextChoices):
    REQUIRED = Header.REQUIRED.value, _("required (Kaggle style)")
    ABSENT = Header.ABSENT.value, _("absent (SIGNATE style)")
    EITHER = Header.EITHER.value, _("either")


class LabelsAsChoice(models.TextChoices):
    NAME = LabelsAs.NAME.value, _("class names")
    INDEX = LabelsAs.INDEX.value, _("class numbers from 0")


class KindChoice(models.TextChoices):
    LABEL = Kind.LABEL.value, _("one label per row (id,label)")
    PROBABILITY = Kind.PROBABILITY.value, _("probabilities (id and one column per class)")


FINALS_BELOW_MARKED = _("A participant has already marked %(count)s final submissions: the "
                        "limit cannot go below that.")
PRIVATE_BOARD_TOO_EARLY = _("The private leaderboard can be shown only after the end (or at "
                            "any time in a practice competition, which has no end).")


class PrivateBoardChoice(models.TextChoices):
    AUTO = "auto", _("hidden until the end, then shown")
    SHOWN = "shown", _("shown now")
    HIDDEN = "hidden", _("hidden")


class FeedbackLevel(models.TextChoices):
    """What participants learn about a scored submission beyond its score."""

    SCORE = "score", _("score only")
    CLASSES = "classes", _("per-class results on the Public rows")
    FULL = "full", _("full: per-class results and example images")


class FeedbackWhileOpen(models.TextChoices):
    """The organizer's choice of feedback while the competition runs: a level, or
    automatic (see Competition.feedback_level)."""

    AUTO = "auto", _("automatic: score only when ranked, full for a practice competition")
    SCORE = FeedbackLevel.SCORE.value, FeedbackLevel.SCORE.label
    CLASSES = FeedbackLevel.CLASSES.value, FeedbackLevel.CLASSES.label
    FULL = FeedbackLevel.FULL.value, FeedbackLevel.FULL.label


# Levels in order, so that "at least per-class results" can be asked.
FEEDBACK_ORDER = [FeedbackLevel.SCORE, FeedbackLevel.CLASSES, FeedbackLevel.FULL]


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public: listed, anyone may join")
    LINK = "link", _("unlisted: not listed, anyone with the address may join")
    INVITE = "invite", _("by invitation: only with the invite link or code")


# Invite codes: no 0/O or 1/I/L, so that a code read aloud or copied by hand still works.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_CODE_LENGTH = 12  # 31**12: about 59 bits


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_CODE_LENGTH))


class Competition(models.Model):
    class Phase(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    short_description = models.CharField(_("short description"), max_length=300)
    overview = models.TextField(_("overview (Markdown)"), blank=True)
    evaluation = models.TextField(_("evaluation (Markdown)"), blank=True)
    rules = models.TextField(_("rules (Markdown)"), blank=True)
    labels = models.JSONField(_("class labels, in order"), default=list)
    metric = models.CharField(_("ranking metric"), max_length=40, choices=METRIC_CHOICES,
                              default="accuracy")
    extra_metrics = models.JSONField(_("extra metrics shown"), default=list, blank=True)
    top_k = models.PositiveSmallIntegerField(_("k of top-k accuracy"), default=3,
                                             validators=[MinValueValidator(1)])
    submission_header = models.CharField(_("header line of submissions"), max_length=10,
                                         choices=HeaderChoice.choices,
                                         default=HeaderChoice.REQUIRED)
    submission_labels_as = models.CharField(_("labels in submissions"), max_length=10,
                                            choices=LabelsAsChoice.choices,
                                            default=LabelsAsChoice.NAME)
    submission_kind = models.CharField(_("submission format"), max_length=12,
                                       choices=KindChoice.choices, default=KindChoice.LABEL)
    start_at = models.DateTimeField(_("start"))
    end_at = models.DateTimeField(_("end"), null=True, blank=True,
                                  help_text=_("Empty for a practice competition with no end."))
    daily_submission_limit = models.PositiveIntegerField(
        _("submissions per day"), default=5, validators=[MinValueValidator(1)])
    total_submission_limit = models.PositiveIntegerField(
        _("submissions in all"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Empty for no limit besides the daily one."))
    final_submission_limit = models.PositiveSmallIntegerField(
        _("final submissions per participant"), default=2, validators=[MinValueValidator(1)],
        help_text=_("How many submissions each participant may mark as final; the best "
                    "private score among them ranks them on the private leaderboard."))
    private_leaderboard = models.CharField(
        _("private leaderboard"), max_length=10, choices=PrivateBoardChoice.choices,
        default=PrivateBoardChoice.AUTO,
        help_text=_("Shown to everyone at the end unless you hide it (to check the "
                    "winners first, say)."))
    feedback_while_open = models.CharField(
        _("feedback while open"), max_length=10, choices=FeedbackWhileOpen.choices,
        default=FeedbackWhileOpen.AUTO,
        help_text=_("What participants see of their submissions besides the score while "
                    "the competition runs; after the end they see everything. Private "
                    "rows are never described before the private leaderboard is shown."))
    max_team_size = models.PositiveSmallIntegerField(
        _("maximum team size"), default=1, validators=[MinValueValidator(1)],
        help_text=_("1 for a solo competition; more lets participants form teams by "
                    "invitation and merge teams."))
    team_merger_deadline = models.DateTimeField(
        _("team merger deadline"), null=True, blank=True,
        help_text=_("After this, teams can no longer merge or take in new members. Empty: "
                    "until the end."))
    max_upload_bytes = models.PositiveIntegerField(
        _("maximum upload size (bytes)"), default=5 * 1024 * 1024,
        validators=[MinValueValidator(1)])
    is_published = models.BooleanField(_("published"), default=False)
    solution_file = models.FileField(_("hidden solution"), storage=private_storage,
                                     upload_to=solution_path, blank=True)
    solution_public_rows = models.PositiveIntegerField(_("public rows of the solution"),
                                                       default=0, editable=False)
    solution_private_rows = models.PositiveIntegerField(_("private rows of the solution"),
                                                        default=0, editable=False)
    # Community competitions (built from a zip by any signed-in user) have a host, who
    # manages them on the site; organizer-run ones have none and live in the admin.
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="hosted_competitions",
                             verbose_name=_("host"))
    # Who runs this competition: they manage it in the admin and see everything of it
    # (see competitions.policy). The host of a community competition is one too.
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="organized_competitions",
        verbose_name=_("organizers"),
        help_text=_("Staff users who manage this competition in the admin and see its "
                    "private scores, submissions and files. They never rank in it."))
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    invite_code = models.CharField(_("invite code"), max_length=20, null=True, blank=True,
                                   unique=True, editable=False)
    # Training images per class, [{"label": …, "train": n}], for the data page.
    class_counts = models.JSONField(_("training images per class"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-start_at"]
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("competition_overview", args=[self.slug])

    def clean(self) -> None:
        errors = {}
        if (self.private_leaderboard == PrivateBoardChoice.SHOWN
                and not self.may_show_private_board()):
            errors["private_leaderboard"] = PRIVATE_BOARD_TOO_EARLY
        # Finals already marked stay the team's choice: a lower limit would silently drop
        # some of them, and after the end the team could not choose again. Here, so that
        # the admin and the host's form (and any later editor) keep the same rule.
        if self.pk and self.final_submission_limit is not None:
            most = self.most_finals_marked()
            if self.final_submission_limit < most:
                errors["final_submission_limit"] = FINALS_BELOW_MARKED % {"count": most}
        if errors:
            raise ValidationError(errors)

    def most_finals_marked(self) -> int:
        """The most final submissions one team has marked among those that can count."""
        return (self.submissions.counted().filter(is_final=True)
                .values("team").annotate(marked=models.Count("id"))
                .aggregate(most=models.Max("marked"))["most"]) or 0

    def phase(self, at: datetime | None = None) -> str:
        at = at or timezone.now()
        if at < self.start_at:
            return self.Phase.UPCOMING
        if self.end_at is not None and at >= self.end_at:
            return self.Phase.CLOSED
        return self.Phase.OPEN

    def is_open(self, at: datetime | None = None) -> bool:
        return self.phase(at) == self.Phase.OPEN

    def private_board_revealed(self, at: datetime | None = None) -> bool:
        """Whether participants may see private scores and ranks: from the end on, unless
        the organizer hides them; before, only if the organizer shows them (see
        may_show_private_board)."""
        if self.private_leaderboard == PrivateBoardChoice.SHOWN:
            return True
        if self.private_leaderboard == PrivateBoardChoice.HIDDEN:
            return False
        return self.phase(at) == self.Phase.CLOSED

    def may_show_private_board(self, at: datetime | None = None) -> bool:
        """Private scores shown while participants can still submit would let them fit the
        private part too: only after the end, or in a practice competition (no end)."""
        return self.end_at is None or (at or timezone.now()) >= self.end_at

    def runner_ids(self) -> set[int]:
        """The users who run this competition (its organizers and its host): their own
        entries are host previews, never ranked. Superusers see everything but are not
        runners unless listed (see competitions.policy for who may see what)."""
        runners = set(self.organizers.values_list("pk", flat=True))
        if self.host_id is not None:
            runners.add(self.host_id)
        return runners

    def feedback_level(self, at: datetime | None = None) -> FeedbackLevel:
        """Full after the end; while open, the organizer's choice (automatic: score only
        for a ranked competition, whose Public labels must not leak through the feedback,
        full for a practice one)."""
        if self.phase(at) == self.Phase.CLOSED:
            return FeedbackLevel.FULL
        if self.feedback_while_open == FeedbackWhileOpen.AUTO:
            return FeedbackLevel.FULL if self.end_at is None else FeedbackLevel.SCORE
        return FeedbackLevel(self.feedback_while_open)

    def accepts_final_choices(self, at: datetime | None = None) -> bool:
        """Final submissions are chosen while the competition is open, never after."""
        return self.is_open(at)

    def accepts_team_changes(self, at: datetime | None = None) -> bool:
        """Invitations, new members and merges: in a team competition, before the end and
        before the team merger deadline (as on Kaggle, where the deadline usually falls a
        week before the end, so that late merges cannot pool quota)."""
        at = at or timezone.now()
        if self.max_team_size <= 1 or self.phase(at) == self.Phase.CLOSED:
            return False
        return self.team_merger_deadline is None or at < self.team_merger_deadline

    def set_visibility(self, visibility: str) -> None:
        """Invitation-only competitions need a code; changing the visibility keeps the
        code, so that links already sent keep working if the host switches back."""
        self.visibility = visibility
        if visibility == Visibility.INVITE and not self.invite_code:
            self.invite_code = new_invite_code()

    def replace_invite_code(self) -> None:
        """A new code: every invite link sent so far stops working (participants who
        joined stay)."""
        self.invite_code = new_invite_code()
        self.save(update_fields=["invite_code"])

    def close(self, at: datetime | None = None) -> None:
        """End now (an upcoming competition both starts and ends now). Uploads after the
        end are scored late and never ranked, as for any ended competition."""
        at = at or timezone.now()
        if self.phase(at) == self.Phase.CLOSED:
            return
        self.start_at = min(self.start_at, at)
        self.end_at = at
        self.save(update_fields=["start_at", "end_at"])

    @property
    def metric_info(self):
        return METRICS[self.metric]

    @property
    def submission_format(self) -> SubmissionFormat:
        return SubmissionFormat(header=Header(self.submission_header),
                                labels_as=LabelsAs(self.submission_labels_as),
                                kind=Kind(self.submission_kind))

    @property
    def max_unpacked_bytes(self) -> int:
        """How large a compressed upload may unpack: enough for any honest submission of
        this competition, not a zip bomb's worth of memory in the web or worker process."""
        return min(MAX_UNPACKED_BYTES, max(16 * 2**20, 20 * self.max_upload_bytes))

    @property
    def expected_header(self) -> str:
        return ",".join(self.submission_format.expected_header(self.labels))

    @property
    def has_solution(self) -> bool:
        return bool(self.solution_file)

    def load_solution(self) -> Solution:
        return _parsed_solution(self.solution_file.name, tuple(self.labels))


@lru_cache(maxsize=4)
def _parsed_solution(name: str, labels: tuple[str, ...]) -> Solution:
    """Parsed once per process: every stored solution has a name of its own (a new upload
    gets a new one), so a cached parse is never stale."""
    def read() -> bytes:
        with private_storage().open(name, "rb") as handle:
            return handle.read()

    # read_solution lets the file's bytes go before it indexes the ids (a lower peak).
    return read_solution(read, labels)


class DataFile(models.Model):
    """A file participants download once they have joined (train.zip, train.csv, …)."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE,
                                    related_name="data_files", verbose_name=_("competition"))
    # The name is the last segment of the download URL: no slashes, not "." or "..".
    name = models.CharField(_("file name"), max_length=200, validators=[RegexValidator(
        r"^(?!\.{1,2}$)[^/\\]+$", _("A file name without slashes, such as train.zip."))])
    description = models.CharField(_("description"), max_length=300, blank=True)
    file = models.FileField(_("file"), storage=private_storage, upload_to=data_file_path)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0, editable=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["competition", "name"],
                                               name="unique_data_file_name")]
        verbose_name = _("data file")
        verbose_name_plural = _("data files")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.file:
            self.size = self.file.size
        super().save(*args, **kwargs)


class GalleryImage(models.Model):
    """A few training images per class, shown on the data page."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE,
                                    related_name="gallery_images", verbose_name=_("competition"))
    label = models.CharField(_("label"), max_length=200)
    image = models.FileField(_("image"), storage=private_storage, upload_to=gallery_path)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.label} #{self.order}"
