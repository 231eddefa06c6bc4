"""Who is told what: notifications are their recipient's alone, and nobody is told about
a competition they may not see."""

from django.apps import apps
from django.db.models import Q, QuerySet

from .boards import private_board_visible
from .competitions import visible_competitions
from .errors import Hidden


def _notifications():
    # The notifications app depends on this package, not the other way round.
    return apps.get_model("notifications", "Notification")


def notifications_of(user) -> QuerySet:
    """The user's own notifications, nobody else's (superusers included), and of those only
    the ones about a competition they may still see (one made invitation-only or
    unpublished since keeps its titles to itself, in the bell as in e-mails)."""
    if not user.is_authenticated:
        return _notifications().objects.none()
    return _notifications().objects.filter(recipient=user).filter(
        Q(competition__isnull=True) | Q(competition__in=visible_competitions(user)))


def notification_for(user, pk: int):
    """One of the user's own notifications; Hidden for any other."""
    notification = notifications_of(user).filter(pk=pk).first()
    if notification is None:
        raise Hidden()
    return notification


def may_be_told(user, competition) -> bool:
    """Whether an event of this competition may be told to this user (an e-mail or the
    bell): only if they may see the competition now."""
    if competition is None:
        return True
    return (user.is_active
            and visible_competitions(user).filter(pk=competition.pk).exists())


def may_be_told_private_results(user, competition) -> bool:
    """Private ranks and scores go into a notification only once they are revealed (or to
    an organizer, who never ranks and so is never told them anyway)."""
    return private_board_visible(user, competition)
