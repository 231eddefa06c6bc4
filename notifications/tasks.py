"""Background work of notifications: e-mail digests, the reveal, webhook deliveries."""

import logging

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from competitions.models import Competition
from competitions.models.competition import PrivateBoardChoice

from . import emails, events, webhooks
from .models import RevealNotice, WebhookDelivery

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_email_digest(user_id: int) -> int:
    """Every e-mail-due notification of one user in one e-mail; the number sent in it."""
    return emails.send_digest(user_id=user_id)


@shared_task
def sweep_unsent_emails() -> int:
    """Celery beat: digests whose task was lost (the broker was down)."""
    return emails.queue_overdue()


@shared_task(acks_late=True)
def tell_reveal(competition_id: int) -> int:
    """Tell the private leaderboard's reveal to every participant and the webhook. Safe to
    run any number of times: each participant's notification and the webhook's delivery
    have a unique key, so later runs add nothing."""
    competition = Competition.objects.filter(pk=competition_id).first()
    if competition is None or not competition.private_board_revealed():
        return 0
    with transaction.atomic():
        told = events.private_board_revealed(competition)
        webhooks.private_board_revealed(competition)
        RevealNotice.objects.get_or_create(competition=competition)
    return told


@shared_task
def check_reveals() -> int:
    """Celery beat: competitions whose private board became visible (an end passed, or an
    organizer showed it) and was not told yet."""
    candidates = (Competition.objects.filter(is_published=True)
                  .filter(Q(private_leaderboard=PrivateBoardChoice.SHOWN)
                          | Q(private_leaderboard=PrivateBoardChoice.AUTO,
                              end_at__lte=timezone.now()))
                  .exclude(pk__in=RevealNotice.objects.values("competition_id")))
    queued = 0
    for competition in candidates:
        if competition.private_board_revealed():
            tell_reveal.delay(competition.pk)
            queued += 1
    return queued


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_webhook(self, delivery_id: int, after: int | None = None) -> str:
    """The attempt that follows `after` attempts (None, from a task queued by an older
    version: the next one). A retry the broker refuses is found by the sweep."""
    outcome = webhooks.attempt(delivery_id, after)
    if outcome == "retry":
        attempts = WebhookDelivery.objects.get(pk=delivery_id).attempts
        raise self.retry(args=[delivery_id, attempts],
                         countdown=webhooks.retry_delay(attempts))
    return outcome


@shared_task
def sweep_stuck_webhook_deliveries() -> int:
    """Celery beat: webhook deliveries whose task was lost, sent again."""
    return webhooks.requeue_stuck()
