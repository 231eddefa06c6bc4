"""What a reader may learn about submissions beyond their scores: the one place that
decides it for the pages and the API."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..models import Competition
from ..models.competition import FEEDBACK_ORDER, FeedbackLevel
from .boards import private_board_visible
from .competitions import data_files_required
from .errors import FeedbackWithheld, Hidden, NotRevealed, Refusal
from .people import organizes

SCORE_ONLY = _("While the competition runs, the organizer shows only scores. Per-class "
               "results, the confusion matrix and examples come after the end.")
NO_EXAMPLES = _("Example images are shown after the end (or at the organizer's full "
                "feedback level).")
PRIVATE_ROWS_NOT_REVEALED = _("The private rows are described only once the private "
                              "leaderboard is revealed.")

# Which rows a view describes. Private rows (and so all rows) only after the reveal.
SCOPES = {"public": _("Public rows"), "private": _("Private rows"), "all": _("All rows")}


@dataclass(frozen=True)
class InsightAccess:
    level: FeedbackLevel
    private_rows: bool

    def allows(self, level: FeedbackLevel) -> bool:
        return FEEDBACK_ORDER.index(self.level) >= FEEDBACK_ORDER.index(level)

    @property
    def per_class(self) -> bool:
        return self.allows(FeedbackLevel.CLASSES)

    @property
    def examples(self) -> bool:
        return self.allows(FeedbackLevel.FULL)

    @property
    def scopes(self) -> list[str]:
        """The row sets this reader may see described: none at "score only"."""
        if not self.per_class:
            return []
        return ["public", "private", "all"] if self.private_rows else ["public"]

    def scope_required(self, requested: str | None) -> str:
        """The requested scope (or the widest allowed), refused if this reader may not
        see it: the API's answer, where the pages fall back to what is allowed."""
        scope = self.scope(requested)
        if scope is None:
            raise FeedbackWithheld(SCORE_ONLY, code="score_only")
        if requested is not None and requested != scope:
            raise NotRevealed(PRIVATE_ROWS_NOT_REVEALED)
        return scope

    def examples_required(self) -> None:
        if not self.examples:
            raise FeedbackWithheld(NO_EXAMPLES, code="no_examples")

    def scope(self, requested: str | None) -> str | None:
        """The requested scope if allowed, else the widest allowed one (None: none)."""
        if requested in self.scopes:
            return requested
        return self.scopes[-1] if self.scopes else None


def insight_access(competition: Competition, user) -> InsightAccess:
    # Organizers and hosts see everything, as they do on the leaderboards.
    if organizes(user, competition):
        return InsightAccess(FeedbackLevel.FULL, private_rows=True)
    return InsightAccess(competition.feedback_level(),
                         private_rows=private_board_visible(user, competition))


def test_images_required(user, competition: Competition) -> None:
    """Test images (shown with the examples) are for whoever may have the data (joined
    participants and organizers); to anyone else they do not exist."""
    try:
        data_files_required(competition, user)
    except Refusal:
        raise Hidden() from None
