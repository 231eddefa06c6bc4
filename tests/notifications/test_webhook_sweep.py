"""Webhook deliveries whose task the broker lost are sent again by the periodic sweep:
once, in bounded batches, never twice when the lost task turns up after all. Real rows,
a real HTTP server on loopback; only the broker is replaced (tasks run here)."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from notifications.models import Webhook, WebhookDelivery
from notifications.tasks import deliver_webhook, sweep_stuck_webhook_deliveries


@pytest.fixture
def hook(competition, receiver, run_deliveries):
    return Webhook.objects.create(competition=competition, url=receiver.url)


def _lost(hook, key: str, *, due_minutes_ago: float = 10, attempts: int = 0):
    """A pending delivery whose task never arrived: queued (or retried) while the broker
    was down, its attempt due `due_minutes_ago`."""
    due = timezone.now() - timedelta(minutes=due_minutes_ago)
    return WebhookDelivery.objects.create(
        webhook=hook, event="submission.scored", event_key=key, payload={"key": key},
        attempts=attempts, created_at=due, next_attempt_at=due)


def _sweep() -> int:
    return sweep_stuck_webhook_deliveries.apply().get()


def test_a_delivery_the_broker_lost_is_posted_once_by_the_sweep(hook, receiver):
    delivery = _lost(hook, "score:1")
    assert _sweep() == 1
    assert _sweep() == 0
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.DELIVERED, 1)
    assert delivery.next_attempt_at is None
    assert len(receiver.requests) == 1


def test_the_lost_task_arriving_after_the_sweeps_copy_posts_nothing_more(hook, receiver):
    delivery = _lost(hook, "score:1")
    _sweep()
    assert deliver_webhook.apply(args=[delivery.pk, 0]).get() == "skipped"
    assert len(receiver.requests) == 1


def test_the_sweeps_copy_arriving_after_the_lost_task_posts_nothing_more(
        hook, receiver, monkeypatch):
    from notifications import webhooks

    delivery = _lost(hook, "score:1")
    queued = []
    monkeypatch.setattr(webhooks, "_send", lambda pk, attempts=0: queued.append(
        (pk, attempts)))
    assert _sweep() == 1  # queued, not yet run: the broker was slow, not down
    assert deliver_webhook.apply(args=[delivery.pk, 0]).get() == "delivered"
    [(pk, attempts)] = queued
    assert deliver_webhook.apply(args=[pk, attempts]).get() == "skipped"
    assert len(receiver.requests) == 1


def test_a_delivery_still_within_the_cutoff_is_left_to_its_own_task(hook, receiver):
    _lost(hook, "score:1", due_minutes_ago=1)
    assert _sweep() == 0
    assert receiver.requests == []
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.PENDING


def test_a_retry_waiting_for_its_backoff_is_not_swept(hook, receiver):
    _lost(hook, "score:1", due_minutes_ago=-30, attempts=2)
    assert _sweep() == 0 and receiver.requests == []


def test_a_delivery_whose_worker_died_mid_post_is_attempted_again(hook, receiver):
    # The attempt was counted and the POST's timeout passed long ago: nothing will retry it.
    delivery = _lost(hook, "score:1", attempts=1)
    assert _sweep() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.DELIVERED, 2)


def test_finished_deliveries_are_never_sent_again(hook, receiver):
    for key, status in (("score:1", WebhookDelivery.Status.DELIVERED),
                        ("score:2", WebhookDelivery.Status.FAILED)):
        _lost(hook, key)
        WebhookDelivery.objects.filter(event_key=key).update(status=status)
    assert _sweep() == 0 and receiver.requests == []


def test_the_sweep_sends_at_most_a_batch_a_run_oldest_first(hook, receiver, settings):
    settings.WEBHOOK_SWEEP_BATCH = 2
    for minutes, key in ((20, "score:1"), (30, "score:2"), (10, "score:3")):
        _lost(hook, key, due_minutes_ago=minutes)
    assert _sweep() == 2
    posted = [request["headers"]["X-Kompe-Delivery"] for request in receiver.requests]
    oldest = WebhookDelivery.objects.filter(event_key__in=["score:1", "score:2"])
    assert sorted(posted) == sorted(str(pk) for pk in oldest.values_list("pk", flat=True))
    assert _sweep() == 1
    assert not WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).exists()


def test_a_sweep_while_the_broker_is_still_down_waits_a_cutoff_before_the_next_try(
        hook, receiver, monkeypatch):
    from notifications import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.undo()  # the real _send, with a broker that refuses
    monkeypatch.setattr(tasks.deliver_webhook, "delay", broker_down)
    _lost(hook, "score:1")
    assert _sweep() == 1
    assert _sweep() == 0  # due again only a cutoff later
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_two_copies_of_one_attempt_racing_post_once(competition, settings):
    """The sweep's copy and the broker's own task run at the same moment on two workers:
    the compare-and-set on the attempt count lets one of them POST."""
    import threading
    import time

    from django.db import connection

    from notifications import webhooks
    from tests.notifications.conftest import Receiver

    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    slow = Receiver()
    original = slow.server.RequestHandlerClass.do_POST

    def slowly(handler):
        time.sleep(0.5)  # the other copy arrives while this POST is under way
        original(handler)

    slow.server.RequestHandlerClass.do_POST = slowly
    try:
        hook = Webhook.objects.create(competition=competition, url=slow.url)
        delivery = _lost(hook, "score:1")
        outcomes = []

        def run():
            try:
                outcomes.append(webhooks.attempt(delivery.pk, 0))
            finally:
                connection.close()

        workers = [threading.Thread(target=run) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        slow.close()
    assert sorted(outcomes) == ["delivered", "skipped"]
    assert len(slow.requests) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_the_migration_leaves_a_delivery_in_its_backoff_to_its_retry_not_to_the_sweep(
        hook, receiver):
    from notifications.webhooks import retry_delay

    migration = importlib.import_module(
        "notifications.migrations.0002_webhook_delivery_next_attempt")
    now = timezone.now()  # what the new column's default gave every row
    waiting = _lost(hook, "score:1", due_minutes_ago=0, attempts=4)  # 32 min
    new = _lost(hook, "score:2", due_minutes_ago=0)
    done = _lost(hook, "score:3", due_minutes_ago=0, attempts=1)
    WebhookDelivery.objects.filter(pk=done.pk).update(status=WebhookDelivery.Status.DELIVERED)
    migration.clear_finished(apps, None)
    for delivery in (waiting, new, done):
        delivery.refresh_from_db()
    assert waiting.next_attempt_at >= now + timedelta(seconds=retry_delay(4))
    assert new.next_attempt_at <= timezone.now() and done.next_attempt_at is None
