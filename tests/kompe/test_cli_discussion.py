"""`kompe discussion list|show|post` against a live test server (real HTTP)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token

from competitions.services import NOT_JOINED
from discussion import services
from discussion.models import Thread


@pytest.fixture
def kompe_as(live_server, tmp_path):
    def as_user(user):
        token = Token.objects.get_or_create(user=user)[0].key
        env = {**os.environ, "KOMPE_URL": live_server.url, "KOMPE_TOKEN": token,
               "KOMPE_CONFIG": str(tmp_path / "config.json")}

        def run(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "kompe", *args], capture_output=True,
                                  text=True, env=env, cwd=settings.BASE_DIR, timeout=120)
        return run
    return as_user


def test_a_learner_asks_reads_the_answer_and_replies_from_the_command_line(
        kompe_as, competition, alice, alice_joined, olivia, tmp_path):
    alice_cli = kompe_as(alice)
    asked = alice_cli("discussion", "post", "-c", "animals", "--title", "フォントは同じ?",
                      "-m", "Is the **test** set drawn from the same fonts?")
    assert asked.returncode == 0, asked.stderr
    thread = Thread.objects.get()
    assert asked.stdout.strip() == f"Started thread {thread.pk}: フォントは同じ?"
    services.thread_create(competition=competition, author=olivia, title="Rescored",
                           body="Two labels were wrong.", is_announcement=True)
    reply = services.reply_create(thread=thread, author=olivia, body="Yes, the same fonts.")
    services.answer_mark(post=reply)

    listed = alice_cli("discussion", "list", "-c", "animals")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert "Rescored" in lines[2] and "announcement" in lines[2]  # pinned first
    assert "フォントは同じ?" in lines[3] and "answered" in lines[3]

    shown = alice_cli("discussion", "show", "-c", "animals", str(thread.pk))
    assert shown.returncode == 0, shown.stderr
    assert "Is the **test** set drawn from the same fonts?" in shown.stdout
    assert "olivia" in shown.stdout and "(answer)" in shown.stdout

    text = tmp_path / "thanks.md"
    text.write_text("ありがとう!", encoding="utf-8")
    replied = alice_cli("discussion", "post", "-c", "animals", "--thread", str(thread.pk),
                        "-f", str(text), "--json")
    assert replied.returncode == 0, replied.stderr
    assert json.loads(replied.stdout)["body"] == "ありがとう!"
    assert thread.posts.count() == 3


def test_posting_without_joining_says_why(kompe_as, competition, mallory):
    refused = kompe_as(mallory)("discussion", "post", "-c", "animals", "--title", "Hi",
                                "-m", "x")
    assert refused.returncode == 1
    assert refused.stderr.strip() == f"kompe: {NOT_JOINED}"
