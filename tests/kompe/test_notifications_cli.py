"""`kompe notifications` prints one's unread notifications and marks them read on request."""

import os
import subprocess
import sys

from django.conf import settings
from rest_framework.authtoken.models import Token

from notifications.kinds import Kind
from notifications.models import Notification


def _kompe(live_server, user, tmp_path, *args):
    env = {**os.environ, "KOMPE_URL": live_server.url,
           "KOMPE_TOKEN": Token.objects.get_or_create(user=user)[0].key,
           "KOMPE_CONFIG": str(tmp_path / "config.json")}
    return subprocess.run([sys.executable, "-m", "kompe", "notifications", *args],
                          capture_output=True, text=True, env=env, cwd=settings.BASE_DIR,
                          timeout=120)


def test_kompe_notifications_prints_the_unread_ones_then_marks_them_read(
        live_server, alice, bob, tmp_path):
    Notification.objects.create(recipient=alice, kind=Kind.BUILD_DONE, event_key="b:1",
                                params={"title": "ダンゴムシ"}, link="/host/builds/1/")
    Notification.objects.create(recipient=bob, kind=Kind.BUILD_DONE, event_key="b:2",
                                params={"title": "bob's own"})
    shown = _kompe(live_server, alice, tmp_path, "--mark-read")
    assert shown.returncode == 0, shown.stderr
    assert "Your competition “ダンゴムシ” is built and ready." in shown.stdout
    assert "/host/builds/1/" in shown.stdout and "bob's own" not in shown.stdout
    assert "Marked 1 read." in shown.stdout
    again = _kompe(live_server, alice, tmp_path)
    assert again.stdout.strip() == "No unread notifications."
    assert "ダンゴムシ" in _kompe(live_server, alice, tmp_path, "--all").stdout
