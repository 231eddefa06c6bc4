"""Telling users: one row per recipient and event, at most once (the database's unique
key), and their e-mail sent after commit by a task that gathers what is due."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from competitions import policy

from .kinds import EMAIL_BY_DEFAULT, Kind
from .models import EmailPreference, Notification

logger = logging.getLogger(__name__)


@dataclass
class Tell:
    """One recipient's notification of an event: who, and their own parameters."""

    user: object
    params: dict = field(default_factory=dict)


def email_wanted(user, kind: str) -> bool:
    choice = EmailPreference.objects.filter(user=user, kind=kind).values_list(
        "email", flat=True).first()
    return EMAIL_BY_DEFAULT[kind] if choice is None else choice


def _email_choices(users: list, kind: str) -> dict[int, bool]:
    chosen = dict(EmailPreference.objects.filter(user__in=users, kind=kind)
                  .values_list("user_id", "email"))
    return {user.pk: chosen.get(user.pk, EMAIL_BY_DEFAULT[kind]) for user in users}


def notify(*, kind: Kind, event_key: str, tells: Iterable[Tell], competition=None,
           link: str = "") -> None:
    """Make each recipient's notification of one event, unless they have it already, and
    queue their e-mail after commit. Recipients who may not see the competition (and
    inactive ones, and anyone without an address for e-mail) are left out."""
    tells = [tell for tell in tells if policy.may_be_told(tell.user, competition)]
    if not tells:
        return
    wanted = _email_choices([tell.user for tell in tells], kind)
    rows = [Notification(recipient=tell.user, kind=kind, competition=competition,
                         params=tell.params, link=link, event_key=event_key,
                         email_wanted=wanted[tell.user.pk] and bool(tell.user.email))
            for tell in tells]
    # ON CONFLICT DO NOTHING: an event told again (a task run twice, two workers racing)
    # adds nothing, and the first telling's e-mail is the only one.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    due = [row.recipient_id for row in rows if row.email_wanted]
    if due:
        transaction.on_commit(lambda: queue_emails(due))


def queue_emails(user_ids: list[int]) -> None:
    """One digest task per user, a little later, so that the events of the next moments
    travel in the same e-mail. If the broker is down, the periodic sweep sends them."""
    from .tasks import send_email_digest

    for user_id in user_ids:
        try:
            send_email_digest.apply_async(args=[user_id],
                                          countdown=settings.NOTIFICATION_DIGEST_SECONDS)
        except Exception:  # the sweep (sweep_unsent_emails) catches up
            logger.warning("E-mail of user %s not queued", user_id,
                                                exc_info=True)


@transaction.atomic
def preferences_set(*, user, choices: dict[str, bool]) -> None:
    for kind, email in choices.items():
        EmailPreference.objects.update_or_create(user=user, kind=kind,
                                                 defaults={"email": email})
