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
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

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


def _queue(competition: Competition, event: str, event_key: str, payload: dict) -> None:
    webhook = Webhook.objects.filter(competition=competition, is_active=True).first()
    if webhook is None:
        return
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                webhook=webhook, event=event, event_key=event_key,
                payload={"event": event, "competition": competition.slug, **payload})
    except IntegrityError:
        return  # this event was queued for this webhook already
    transaction.on_commit(lambda: _send(delivery.pk))


def _send(delivery_id: int) -> None:
    from .tasks import deliver_webhook

    try:
        deliver_webhook.delay(delivery_id)
    except Exception:
        logger.warning("Webhook delivery %s not queued", delivery_id, exc_info=True)


def submission_scored(submission: Submission) -> None:
    """A new score (not a rescore): public score only, whatever the board's state."""
    if submission.status != Submission.Status.SCORED:
        return
    _queue(submission.competition, SCORED, f"score:{submission.pk}", {
        "submission": submission.pk, "team": submission.team.name,
        "public_score": submission.public_score, "is_late": submission.is_late,
        "submitted_at": submission.created_at.isoformat(),
        "scored_at": submission.finished_at.isoformat() if submission.finished_at else None})


def private_board_revealed(competition: Competition) -> None:
    if not competition.private_board_revealed():
        return
    rows = selectors.leaderboard(competition, Board.PRIVATE, top=None).rows
    _queue(competition, REVEALED, f"reveal:{competition.pk}", {"leaderboard": [
        {"rank": row.rank, "team": row.team_name, "private_score": row.score,
         "public_rank": row.public_rank} for row in rows if row.rank is not None]})


def attempt(delivery_id: int) -> str:
    """One POST: "delivered", "retry", "failed" (no attempts left) or "skipped"."""
    delivery = (WebhookDelivery.objects.select_related("webhook")
                .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).first())
    if delivery is None:
        return "skipped"
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") + 1)
    delivery.refresh_from_db(fields=["attempts"])
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
    delivery.save(update_fields=["status", "delivered_at", "response_status", "error"])
    if delivery.status == WebhookDelivery.Status.PENDING:
        return "retry"
    return delivery.status


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
