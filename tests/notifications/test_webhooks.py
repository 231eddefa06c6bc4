"""Hosts' webhooks against a real HTTP server on loopback: signed JSON on new scores and on
the reveal, retried until the server answers, logged for the organizers alone."""

import hashlib
import hmac
import json

import pytest
from django.urls import reverse

from notifications.models import Webhook, WebhookDelivery
from notifications.tasks import tell_reveal
from tests.conftest import SECRET_MARKER, TRUE_LABELS, perfect_csv, scored_upload
from tests.notifications.conftest import Receiver


def _verified(request, secret: str) -> dict:
    expected = "sha256=" + hmac.new(secret.encode(), request["body"],
                                    hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request["headers"]["X-Kompe-Signature"], expected)
    return json.loads(request["body"])


def test_a_new_score_is_posted_signed_without_private_scores_or_labels(
        competition, alice, alice_joined, receiver, run_deliveries,
        django_capture_on_commit_callbacks):
    hook = Webhook.objects.create(competition=competition, url=receiver.url, secret="s3cret")
    with django_capture_on_commit_callbacks(execute=True):
        submission = scored_upload(competition, alice, perfect_csv())
    [request] = receiver.requests
    payload = _verified(request, hook.secret)
    assert request["headers"]["X-Kompe-Event"] == "submission.scored"
    assert payload["event"] == "submission.scored" and payload["competition"] == "animals"
    assert payload["submission"] == submission.pk and payload["public_score"] == 1.0
    raw = request["body"].decode()
    assert "private" not in raw and SECRET_MARKER not in raw
    assert not any(label in raw for label in TRUE_LABELS)
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED


def test_a_failing_endpoint_is_retried_with_backoff_and_every_attempt_logged(
        competition, alice, alice_joined, run_deliveries, settings,
        django_capture_on_commit_callbacks):
    from notifications.webhooks import retry_delay

    failing = Receiver(statuses=[500, 503])
    try:
        Webhook.objects.create(competition=competition, url=failing.url)
        with django_capture_on_commit_callbacks(execute=True):
            scored_upload(competition, alice, perfect_csv())
    finally:
        failing.close()
    delivery = WebhookDelivery.objects.get()
    assert len(failing.requests) == 3
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        WebhookDelivery.Status.DELIVERED, 3, 200)
    assert [retry_delay(n) for n in (1, 2, 3)] == [30, 120, 480]


def test_an_endpoint_that_never_answers_ends_failed_after_the_last_attempt(
        competition, alice, alice_joined, run_deliveries, settings,
        django_capture_on_commit_callbacks):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    # Nothing listens on port 9 of loopback (discard): the connection is refused.
    Webhook.objects.create(competition=competition, url="http://127.0.0.1:9/hook")
    with django_capture_on_commit_callbacks(execute=True):
        scored_upload(competition, alice, perfect_csv())
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.FAILED, 2)
    assert "ConnectionError" in delivery.error


def test_the_reveal_is_posted_once_with_the_private_ranking(
        ended, receiver, run_deliveries, django_capture_on_commit_callbacks):
    hook = Webhook.objects.create(competition=ended, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        tell_reveal.apply(args=[ended.pk])
    with django_capture_on_commit_callbacks(execute=True):
        tell_reveal.apply(args=[ended.pk])
    [request] = receiver.requests
    payload = _verified(request, hook.secret)
    assert payload["event"] == "leaderboard.revealed"
    assert [(row["rank"], row["team"], row["public_rank"]) for row in payload["leaderboard"]
            ] == [(1, "alice", 2), (2, "bob", 1)]


def test_no_reveal_is_posted_before_the_reveal(competition, receiver, run_deliveries,
                                               django_capture_on_commit_callbacks):
    Webhook.objects.create(competition=competition, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        tell_reveal.apply(args=[competition.pk])
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_the_delivery_log_is_for_the_competitions_organizers_only(
        competition, make_user, make_competition, client):
    from competitions import policy

    hook = Webhook.objects.create(competition=competition, url="https://example.com/hook")
    delivery = WebhookDelivery.objects.create(webhook=hook, event="submission.scored",
                                              event_key="score:1", payload={"x": 1})
    olivia = make_user("olivia-teacher", is_staff=True)
    policy.make_organizer(olivia, competition)
    oscar = make_user("oscar", is_staff=True)
    policy.make_organizer(oscar, make_competition(slug="other-course"))
    client.force_login(olivia)
    assert client.get(reverse("admin:notifications_webhookdelivery_change",
                              args=[delivery.pk])).status_code == 200
    assert "example.com/hook" in client.get(
        reverse("admin:notifications_webhook_changelist")).content.decode()
    client.force_login(oscar)
    assert "example.com/hook" not in client.get(
        reverse("admin:notifications_webhook_changelist")).content.decode()
    assert client.get(reverse("admin:notifications_webhookdelivery_change",
                              args=[delivery.pk])).status_code == 302


def test_a_url_into_the_private_network_is_refused_unless_allowed(
        competition, alice, alice_joined, receiver, run_deliveries, settings,
        django_capture_on_commit_callbacks):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    Webhook.objects.create(competition=competition, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        scored_upload(competition, alice, perfect_csv())
    delivery = WebhookDelivery.objects.get()
    assert receiver.requests == []
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "127.0.0.1 is a private address" in delivery.error


def test_a_name_that_resolves_public_when_checked_then_private_is_refused(
        competition, alice, alice_joined, receiver, run_deliveries, settings, monkeypatch,
        django_capture_on_commit_callbacks):
    # DNS rebinding: the organizer's name answers a public address to the check and the
    # loopback to the connection a moment later; the address connected to is what counts.
    import socket

    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["93.184.216.34"])

    def rebinding(host, *args, **kwargs):
        if host != "rebind.example":
            return real_getaddrinfo(host, *args, **kwargs)
        return real_getaddrinfo(next(answers, "127.0.0.1"), *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    Webhook.objects.create(competition=competition,
                           url=receiver.url.replace("127.0.0.1", "rebind.example"))
    with django_capture_on_commit_callbacks(execute=True):
        scored_upload(competition, alice, perfect_csv())
    delivery = WebhookDelivery.objects.get()
    assert receiver.requests == []
    assert delivery.status != WebhookDelivery.Status.DELIVERED
    assert "private address" in delivery.error


@pytest.mark.parametrize("address, public", [
    ("93.184.216.34", True), ("2606:4700::1111", True),
    ("127.0.0.1", False), ("10.0.0.5", False), ("169.254.169.254", False), ("::1", False),
    ("::ffff:127.0.0.1", False), ("::ffff:93.184.216.34", True),
    ("64:ff9b::7f00:1", False), ("64:ff9b:1::a00:5", False), ("2002:7f00:1::", False),
    ("fe80::1%eth0", False)])
def test_webhooks_reach_only_public_addresses_in_any_ipv6_dress(address, public):
    from notifications.guarded_http import is_public

    assert is_public(address) is public
