"""The kinds of notification, whether each is e-mailed unless the user says otherwise, and
the one sentence each says, rendered in the reader's language from stored parameters.

Parameters are values (numbers, names), never sentences: a notification made while the
site spoke English reads in Japanese to a reader who prefers Japanese. Nothing here may
hold a hidden label or a private score before the reveal (see events.py, which decides
what goes into the parameters).
"""

from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SUBMISSION_SCORED = "submission_scored", _("A submission was scored")
    SUBMISSION_FAILED = "submission_failed", _("A submission failed")
    PRIVATE_REVEALED = "private_revealed", _("The private leaderboard was revealed")
    RESCORED = "rescored", _("A rescore changed my score or rank")
    TEAM_INVITATION = "team_invitation", _("A team invitation")
    REPLY = "reply", _("A reply in my thread")
    ANNOUNCEMENT = "announcement", _("An organizer's announcement")
    BUILD_DONE = "build_done", _("My community competition was built")
    BUILD_FAILED = "build_failed", _("My community competition's build failed")


# E-mailed unless the user turns it off. A scored submission is only told at all when the
# score came late (see events.SLOW_SCORING_SECONDS); its e-mail is opt-in all the same,
# since a script submitting into a busy queue would otherwise send one e-mail a file.
EMAIL_BY_DEFAULT = {kind: True for kind in Kind} | {Kind.SUBMISSION_SCORED: False}


def _places(change: int) -> str:
    if change > 0:
        return ngettext("up %(n)s place", "up %(n)s places", change) % {"n": change}
    if change < 0:
        return ngettext("down %(n)s place", "down %(n)s places", -change) % {"n": -change}
    return gettext("no change")


def _score(value) -> str:
    return "—" if value is None else f"{value:.5f}"


def _rank(value) -> str:
    return "—" if value is None else str(value)


class _Params(dict):
    """A parameter missing (a row made by an older version) reads as empty, not a 500."""

    def __missing__(self, key: str) -> str:
        return ""


def sentence(kind: str, params: dict, competition_title: str = "") -> str:
    """The notification's text in the active language."""
    p = _Params({**params, "competition": competition_title})
    if kind == Kind.SUBMISSION_SCORED:
        return gettext("Your submission “%(file)s” to %(competition)s was scored: public "
                       "score %(score)s.") % _Params(p, score=_score(p.get("public_score")))
    if kind == Kind.SUBMISSION_FAILED:
        return gettext("Your submission “%(file)s” to %(competition)s could not be scored; "
                       "its page says why.") % p
    if kind == Kind.PRIVATE_REVEALED:
        if p.get("rank") is None:
            return gettext("The private leaderboard of %(competition)s is out.") % p
        change = (gettext(" (%(change)s from the public leaderboard)")
                  % {"change": _places(p["change"])} if p.get("change") is not None else "")
        return gettext("The private leaderboard of %(competition)s is out: you are "
                       "%(rank)s of %(count)s%(change)s.") % _Params(p, change=change)
    if kind == Kind.RESCORED:
        return gettext("%(competition)s was rescored: your public score %(old_score)s → "
                       "%(new_score)s, public rank %(old_rank)s → %(new_rank)s.") % _Params(
            p, old_score=_score(p.get("old_score")), new_score=_score(p.get("new_score")),
            old_rank=_rank(p.get("old_rank")), new_rank=_rank(p.get("new_rank")))
    if kind == Kind.TEAM_INVITATION:
        return gettext("%(inviter)s invited you to the team “%(team)s” in "
                       "%(competition)s.") % p
    if kind == Kind.REPLY:
        return gettext("%(author)s replied in your thread “%(thread)s” in "
                       "%(competition)s.") % p
    if kind == Kind.ANNOUNCEMENT:
        return gettext("Announcement in %(competition)s: “%(thread)s”.") % p
    if kind == Kind.BUILD_DONE:
        return gettext("Your competition “%(title)s” is built and ready.") % p
    if kind == Kind.BUILD_FAILED:
        return gettext("The build of your competition “%(title)s” failed; its page says "
                       "why.") % p
    return gettext("Something happened in %(competition)s.") % p
