"""A real Celery worker tells the reveal: each participant gets exactly one e-mail with
their private rank, in their language, though the reveal task runs twice."""

import email
import email.policy
import time

import pytest

from notifications.models import Notification
from notifications.tasks import tell_reveal
from tests.conftest import start_worker, stop_worker, wait_for

pytestmark = pytest.mark.worker


@pytest.fixture
def mail_dir(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def mailing_worker(transactional_db, tmp_path, mail_dir, monkeypatch):
    """A worker whose e-mail goes to files in mail_dir, sent a second after the event."""
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    monkeypatch.setenv("MAIL_DIR", str(mail_dir))
    monkeypatch.setenv("NOTIFICATION_DIGEST_SECONDS", "1")
    log_path = tmp_path / "worker.log"
    worker = start_worker(log_path)
    yield worker
    stop_worker(worker)
    print(log_path.read_text()[-3000:])


def _messages(mail_dir) -> list:
    messages = []
    for path in sorted(mail_dir.iterdir()):
        # The file backend writes each connection's messages, separated by a line of dashes.
        for part in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if part.strip():
                messages.append(email.message_from_bytes(part, policy=email.policy.default))
    return messages


def _unfolded(header: str) -> str:
    """Without the white space that folding a long header adds (and all other)."""
    return "".join(str(header).split())


def _all_emailed() -> bool:
    return (Notification.objects.count() == 2
            and not Notification.objects.filter(emailed_at__isnull=True).exists())


def test_the_reveal_sends_each_participant_one_e_mail_in_their_language(
        mailing_worker, ended, mail_dir):
    tell_reveal.delay(ended.pk)
    tell_reveal.delay(ended.pk)
    wait_for(_all_emailed, timeout=30)
    time.sleep(3)  # long enough for a second digest, if there were one to send
    messages = _messages(mail_dir)
    assert sorted(message["To"] for message in messages) == [
        "alice@example.com", "bob@example.com"]
    by_user = {message["To"]: message for message in messages}
    english = by_user["alice@example.com"]
    assert _unfolded(english["Subject"]) == _unfolded(
        "Kompe: The private leaderboard of Animals 動物 is out: you are 1 of 2 (up 1 place "
        "from the public leaderboard).")
    japanese = by_user["bob@example.com"]
    assert _unfolded(japanese["Subject"]) == _unfolded(
        "Kompe: Animals 動物 の Private リーダーボードが公開されました。あなたは 2 チーム中 2 位"
        "です（Public リーダーボードから1 位下降）。")
    body = japanese.get_content()
    assert "bob さん" in body and "/notifications/unsubscribe/" in body
