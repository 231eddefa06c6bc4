"""What a reader may learn about submissions beyond their scores: the one place that
decides it for the pages and the API."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..models import Competition
from ..models.competition import FEEDBACK_ORDER, FeedbackLevel

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

    def scope(self, requested: str | None) -> str | None:
        """The requested scope if allowed, else the widest allowed one (None: none)."""
        if requested in self.scopes:
            return requested
        return self.scopes[-1] if self.scopes else None


def access_for(competition: Competition, user) -> InsightAccess:
    # Organizers and hosts see everything, as they do on the leaderboards.
    if competition.is_organized_by(user):
        return InsightAccess(FeedbackLevel.FULL, private_rows=True)
    return InsightAccess(competition.feedback_level(),
                         private_rows=competition.private_board_revealed())
