"""Hosts' webhooks: a signed JSON POST to the organizer's URL on each new score and on the
private leaderboard's reveal, retried with backoff by a Celery task, every attempt logged.

What a payload may hold: public scores, team names, and private ranks and scores only in
the reveal's payload, made only once the board is revealed. Never a label, never a file.
The receiver checks `X-Kompe-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body
with the webhook's secret, and may drop repeats by `X-Kompe-Delivery` (a retry after a
timeout can arrive twice).
"""

import hashlib
import hmac
import json
import logging
import socket
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.names import board_names, team_name
from competitions import selectors
from competitions.models import Board, Competition, Submission

from . import guarded_http
from .guarded_http import public_only_session
from .models import Webhook, WebhookDelivery

logger = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Kompe-Signature"
SCORED = "submission.scored"
REVEALED = "leaderboard.revealed"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True).encode()


def _queue(competition: Competition, event: str, event_key: str,
           payload: Callable[[], dict]) -> None:
    """The payload is made only for a competition with a webhook (most have none, and a
    new score is on the worker's hot path)."""
    webhook = Webhook.objects.filter(competition=competition, is_active=True).first()
    if webhook is None:
        return
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                webhook=webhook, event=event, event_key=event_key,
                payload={"event": event, "competition": competition.slug, **payload()})
    except IntegrityError:
        return  # this event was queued for this webhook already
    transaction.on_commit(lambda: _send(delivery.pk))


def _send(delivery_id: int, attempts: int = 0) -> None:
    """Queue the attempt that follows `attempts` attempts. If the broker is down, the
    delivery stays pending and due, and requeue_stuck sends it later."""
    from .tasks import deliver_webhook

    try:
        deliver_webhook.delay(delivery_id, attempts)
    except Exception:
        logger.warning("Webhook delivery %s not queued", delivery_id, exc_info=True)


def submission_scored(submission: Submission) -> None:
    """A new score (not a rescore): public score only, whatever the board's state."""
    if submission.status != Submission.Status.SCORED:
        return
    _queue(submission.competition, SCORED, f"score:{submission.pk}", lambda: {
        "submission": submission.pk, "team": team_name(submission.team),
        "public_score": submission.public_score, "is_late": submission.is_late,
        "submitted_at": submission.created_at.isoformat(),
        "scored_at": submission.finished_at.isoformat() if submission.finished_at else None})


def private_board_revealed(competition: Competition) -> None:
    if competition.private_board_revealed():
        _queue(competition, REVEALED, f"reveal:{competition.pk}",
               lambda: {"leaderboard": _private_ranking(competition)})


def _private_ranking(competition: Competition) -> list[dict]:
    rows = [row for row in selectors.leaderboard(competition, Board.PRIVATE, top=None).rows
            if row.rank is not None]
    # Teams named as on the boards: a team of one after its member's display name.
    names = board_names([row.team_id for row in rows])
    return [{"rank": row.rank, "team": names.get(row.team_id) or row.team_name,
             "private_score": row.score, "public_rank": row.public_rank} for row in rows]


def _claim(delivery_id: int, after: int | None) -> WebhookDelivery | None:
    """Take the attempt that follows `after` attempts (None: whatever the count is now), or
    None if the delivery is finished or another task took that attempt already.

    A compare-and-set on the attempt count: the sweep's copy of a task and the broker's own,
    if both arrive, make one POST between them, however they race (the UPDATE's WHERE is
    checked again on the locked row). While the POST runs, the next attempt is due only
    when it would have timed out, so the sweep leaves it alone."""
    pending = WebhookDelivery.objects.filter(pk=delivery_id,
                                             status=WebhookDelivery.Status.PENDING)
    if after is None:  # a task queued before attempts were counted in its arguments
        after = pending.values_list("attempts", flat=True).first()
        if after is None:
            return None
    lease = timezone.now() + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS)
    if not pending.filter(attempts=after).update(attempts=F("attempts") + 1,
                                                 next_attempt_at=lease):
        return None
    return WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)


def attempt(delivery_id: int, after: int | None = None) -> str:
    """One POST: "delivered", "retry", "failed" (no attempts left) or "skipped" (finished,
    or this attempt was made by another task)."""
    delivery = _claim(delivery_id, after)
    if delivery is None:
        return "skipped"
    body = body_of(delivery)
    headers = {"Content-Type": "application/json", "User-Agent": "Kompe-Webhook/1",
               "X-Kompe-Event": delivery.event, "X-Kompe-Delivery": str(delivery.pk),
               SIGNATURE_HEADER: sign(delivery.webhook.secret, body)}
    status, error = None, ""
    refused = _refused_address(delivery.webhook.url)
    if refused:
        # Not worth retrying: the address will not change by itself.
        delivery.attempts = settings.WEBHOOK_MAX_ATTEMPTS
        WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=delivery.attempts)
    try:
        if refused:
            raise requests.ConnectionError(refused)
        # The check above resolved the name once; the connection resolves it again, so
        # the address connected to is checked too (guarded_http: DNS rebinding).
        session = (requests.Session() if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
                   else public_only_session())
        with session, session.post(delivery.webhook.url, data=body, headers=headers,
                                   timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
                                   allow_redirects=False) as response:
            status = response.status_code
        if 200 <= status < 300:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = timezone.now()
        else:
            error = f"HTTP {status}"
    except requests.RequestException as failure:
        error = f"{type(failure).__name__}: {failure}"[:500]
    delivery.response_status, delivery.error = status, error
    if error and delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
    pending = delivery.status == WebhookDelivery.Status.PENDING
    delivery.next_attempt_at = (timezone.now() + timedelta(seconds=retry_delay(
        delivery.attempts)) if pending else None)
    delivery.save(update_fields=["status", "delivered_at", "response_status", "error",
                                 "next_attempt_at"])
    return "retry" if pending else delivery.status


def _refused_address(url: str) -> str:
    """Why this URL may not be posted to, or "": an organizer's URL must not reach the
    servers beside Kompe (the database, Redis, /metrics) unless the operator allows private
    addresses (WEBHOOK_ALLOW_PRIVATE_ADDRESSES, for a host's endpoint inside the network)."""
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return ""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return ""  # the POST fails with the resolver's own message
    for address in addresses:
        if not guarded_http.is_public(address):
            return f"{host} is a private address ({address.split('%')[0]}); refused"
    return ""


def retry_delay(attempts: int) -> int:
    """Exponential backoff: WEBHOOK_RETRY_BASE_SECONDS × 4^(attempts − 1)."""
    return settings.WEBHOOK_RETRY_BASE_SECONDS * 4 ** max(0, attempts - 1)


def requeue_stuck(*, limit: int | None = None) -> int:
    """Send again pending deliveries whose attempt has been due for longer than
    WEBHOOK_SWEEP_AFTER_SECONDS: their task was lost (the broker was down when it was
    queued or retried, or a worker died during the POST). At most `limit` a run (the
    oldest first); the number sent.

    Each is marked due now before it is queued, by a compare-and-set, so the next sweep
    waits a whole cutoff again and two sweeps never send the same one; its task carries
    the attempt count, so that if the lost task turns up after all, one of the two POSTs
    (see _claim)."""
    limit = settings.WEBHOOK_SWEEP_BATCH if limit is None else limit
    now = timezone.now()
    overdue = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at__lt=now - timedelta(seconds=settings.WEBHOOK_SWEEP_AFTER_SECONDS))
    sent = 0
    for pk, attempts in overdue.order_by("next_attempt_at", "pk").values_list(
            "pk", "attempts")[:limit]:
        if overdue.filter(pk=pk, attempts=attempts).update(next_attempt_at=now):
            _send(pk, attempts)
            sent += 1
    return sent
