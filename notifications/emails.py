"""E-mail: every notification due for one user in one e-mail (a digest when several came
at once), in the recipient's language, with a one-click unsubscribe link per kind."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from accounts.profiles import language_of
from competitions import policy

from .kinds import Kind
from .models import Notification

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def recipient_language(user) -> str:
    """The user's language (accounts' Profile.language), else the site's default."""
    language = language_of(user)
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def unsubscribe_token(user, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind), or None for a token that was not made here."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in Kind.values:
        return None
    return data.get("u"), data["k"]


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path if path.startswith("/") else path


def _due(user_id: int):
    return Notification.objects.filter(recipient_id=user_id, email_wanted=True,
                                       emailed_at__isnull=True)


def send_digest(*, user_id: int) -> int:
    """Send what is due for this user; the number of notifications in the e-mail (0: none
    due, or another worker holds them). The rows stay locked until the e-mail is handed
    to the mail server, so two tasks for one user never send the same notification; a
    failure to send rolls back and the sweep tries again."""
    from .services import email_wanted

    user = get_user_model().objects.filter(pk=user_id).first()
    with transaction.atomic():
        due = list(_due(user_id).select_for_update(skip_locked=True, of=("self",))
                   .select_related("competition").order_by("created_at", "id"))
        if not due:
            return 0
        if user is None or not user.is_active or not user.email:
            _due(user_id).filter(pk__in=[n.pk for n in due]).update(email_wanted=False)
            return 0
        # Asked again now: a kind turned off since, or a competition no longer visible.
        sent = [n for n in due if email_wanted(user, n.kind)
                and policy.may_be_told(user, n.competition)]
        if sent:
            with translation.override(recipient_language(user)):
                message = _message(user, sent)
            message.send()
        now = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n in sent]).update(emailed_at=now)
        Notification.objects.filter(pk__in=[n.pk for n in due if n not in sent]).update(
            email_wanted=False)
    return len(sent)


def _message(user, notifications: list[Notification]) -> EmailMessage:
    kinds = list(dict.fromkeys(n.kind for n in notifications))
    items = [{"text": n.text(), "url": absolute(n.link) if n.link else ""}
             for n in notifications]
    unsubscribe = [{"label": Kind(kind).label,
                    "url": absolute(reverse("notification_unsubscribe",
                                            args=[unsubscribe_token(user, kind)]))}
                   for kind in kinds]
    if len(items) == 1:
        subject = gettext("Kompe: %(text)s") % {"text": items[0]["text"]}
    else:
        subject = ngettext("Kompe: %(count)s new notification",
                           "Kompe: %(count)s new notifications", len(items)) % {
            "count": len(items)}
    body = render_to_string("notifications/email/digest.txt", {
        "user": user, "items": items, "unsubscribe": unsubscribe,
        "list_url": absolute(reverse("notification_list")),
        "settings_url": absolute(reverse("notification_settings"))})
    headers = {"List-Unsubscribe": f"<{unsubscribe[0]['url']}>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return EmailMessage(subject=subject.replace("\n", " ")[:200], body=body, to=[user.email],
                        headers=headers)


def queue_overdue() -> int:
    """Users with e-mail due for longer than a digest's wait: their task was lost."""
    from .services import queue_emails

    cutoff = timezone.now() - timedelta(seconds=2 * settings.NOTIFICATION_DIGEST_SECONDS + 30)
    users = list(Notification.objects.filter(email_wanted=True, emailed_at__isnull=True,
                                             created_at__lt=cutoff)
                 .values_list("recipient_id", flat=True).distinct())
    queue_emails(users)
    return len(users)
