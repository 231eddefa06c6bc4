"""Notifications (the bell and the e-mails), each user's e-mail choices, reveals already
told, and the hosts' webhooks with their delivery log."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from competitions.models import Competition

from .kinds import Kind, sentence


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def mark_read(self) -> int:
        return self.unread().update(read_at=timezone.now())


class Notification(models.Model):
    """One event told to one user. `event_key` names the event ("reveal:12"); the unique
    constraint makes a second telling of the same event to the same user a no-op, however
    many tasks or workers try (INSERT … ON CONFLICT DO NOTHING, not check-then-insert)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications", verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, null=True,
                                    blank=True, related_name="+",
                                    verbose_name=_("competition"))
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    event_key = models.CharField(_("event"), max_length=200)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Decided when made, from the recipient's choices: a later change of mind does not
    # resend or withdraw what was already decided.
    email_wanted = models.BooleanField(_("to be e-mailed"), default=False)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "event_key"],
                                               name="one_notification_per_event")]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient"], name="notification_email_due",
                         condition=models.Q(email_wanted=True, emailed_at__isnull=True)),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    def text(self) -> str:
        """The sentence in the active language."""
        title = self.competition.title if self.competition_id else ""
        return sentence(self.kind, self.params, title)


class EmailPreference(models.Model):
    """A user's own choice for one kind; without a row, Kind's default holds."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    email = models.BooleanField(_("by e-mail"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"],
                                               name="one_preference_per_kind")]
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.email}"


class RevealNotice(models.Model):
    """A competition whose private leaderboard reveal was told (the periodic check skips
    it). The notifications' own unique key is what keeps a second run from telling twice."""

    competition = models.OneToOneField(Competition, on_delete=models.CASCADE,
                                       related_name="+", verbose_name=_("competition"))
    told_at = models.DateTimeField(_("told at"), default=timezone.now)

    def __str__(self) -> str:
        return f"reveal of {self.competition_id}"


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    """A host's endpoint: Kompe POSTs signed JSON there on new scores and on the reveal."""

    competition = models.OneToOneField(Competition, on_delete=models.CASCADE,
                                       related_name="webhook", verbose_name=_("competition"))
    url = models.URLField(_("URL"), max_length=500,
                          help_text=_("Kompe POSTs JSON here on new scores and on the "
                                      "private leaderboard's reveal."))
    secret = models.CharField(
        _("secret"), max_length=200, default=new_webhook_secret,
        help_text=_("Each POST carries X-Kompe-Signature: sha256=HMAC-SHA256 of the body "
                    "with this secret, in hexadecimal."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one webhook and its attempts: the organizer's delivery log."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries",
                                verbose_name=_("webhook"))
    event = models.CharField(_("event"), max_length=40)
    event_key = models.CharField(_("event key"), max_length=200)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True,
                                                       blank=True)
    error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # When the next attempt is due: at once for a new delivery, the backoff's end after a
    # failure, and the POST's timeout while one runs. A pending delivery due long ago lost
    # its task (the broker was down, a worker died): webhooks.requeue_stuck sends it again.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True,
                                           default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["webhook", "event_key"],
                                               name="one_delivery_per_event")]
        indexes = [models.Index(fields=["next_attempt_at"], name="webhook_delivery_due",
                                condition=models.Q(status="pending"))]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"
