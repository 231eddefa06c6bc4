"""What the policy layer answers when a user may not do something.

These are domain answers, not HTTP: `policy.http` maps each to a status in one place, for
the pages (a middleware) and the API (its exception handler) alike.
"""

from django.utils.translation import gettext_lazy as _

NOT_FOUND = _("Not found.")
NOT_JOINED = _("Join the competition and accept its rules first.")
ORGANIZERS_ONLY = _("Only the organizers of this competition may see this.")
NOT_REVEALED = _("The private leaderboard is not revealed yet.")
SIGN_IN = _("Sign in first.")


class Refusal(Exception):
    """The base of every policy answer: a message for people and a code for programs."""

    default_message = NOT_FOUND
    code = "refused"

    def __init__(self, message=None, *, competition=None, code: str | None = None):
        self.message = message if message is not None else self.default_message
        self.competition = competition  # where the refusal happened, if anywhere
        if code is not None:
            self.code = code
        super().__init__(str(self.message))


class Hidden(Refusal):
    """For this user the thing does not exist (an invitation-only competition, another
    team's submission, a file of a competition they do not organize): never say more."""

    default_message = NOT_FOUND
    code = "not_found"


class SignInRequired(Refusal):
    default_message = SIGN_IN
    code = "not_authenticated"


class NotJoined(Refusal):
    default_message = NOT_JOINED
    code = "not_joined"


class OrganizersOnly(Refusal):
    default_message = ORGANIZERS_ONLY
    code = "organizers_only"


class FeedbackWithheld(Refusal):
    """Insight beyond what the competition's feedback level gives this reader now."""

    code = "feedback_withheld"


class NotRevealed(Refusal):
    default_message = NOT_REVEALED
    code = "not_revealed"


NOT_AUTHOR = _("Only its author may change this post.")
LOCKED = _("This thread is locked: only the organizers may post in it.")
ANSWER_CHOOSER = _("Only the thread's author or an organizer may choose its answer.")


class NotAuthor(Refusal):
    default_message = NOT_AUTHOR
    code = "not_author"


class Locked(Refusal):
    default_message = LOCKED
    code = "locked"
