import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from competitions.services import join_competition
from tests.conftest import scored


@pytest.fixture
def ended(make_competition, alice, bob):
    """A competition that ended an hour ago (its private board is revealed, automatically):
    alice is second on the public board and first on the private one; bob the reverse.
    alice writes in English, bob in Japanese.

    Made with the board hidden and shown at the end by an UPDATE (no post_save): a worker
    running meanwhile must not tell the reveal of a half-made competition."""
    from accounts.profiles import set_language
    from competitions.models import Competition

    competition = make_competition(slug="ended", end_at=timezone.now() - timedelta(hours=1),
                                   start_at=timezone.now() - timedelta(days=5),
                                   private_leaderboard="hidden")
    alice_in = join_competition(competition=competition, user=alice)
    bob_in = join_competition(competition=competition, user=bob)
    scored(alice_in, 0.25, 0.875, minutes_ago=200)
    scored(bob_in, 0.5, 0.375, minutes_ago=190)
    for user, language in ((alice, "en"), (bob, "ja")):
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
        set_language(user, language)
    Competition.objects.filter(pk=competition.pk).update(private_leaderboard="auto")
    competition.refresh_from_db()
    return competition


class Receiver:
    """An HTTP server on 127.0.0.1 that records each POST and answers the statuses it is
    given, in order (then 200)."""

    def __init__(self, statuses=()):
        self.requests: list[dict] = []
        self.statuses = list(statuses)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the standard library's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def run_deliveries(monkeypatch, settings):
    """Webhook tasks run here, after commit, as a worker would (retries at once), to the
    loopback receivers (a private address, allowed here)."""
    from notifications import webhooks
    from notifications.tasks import deliver_webhook

    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    monkeypatch.setattr(webhooks, "_send",
                        lambda pk, attempts=0: deliver_webhook.apply(args=[pk, attempts]))
