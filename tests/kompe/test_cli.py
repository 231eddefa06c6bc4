"""The `kompe` CLI against a live test server: real HTTP, a real worker."""

import json
import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token

from competitions.services import NOT_JOINED
from tests.conftest import TRUE_LABELS, submission_csv

pytestmark = pytest.mark.worker


@pytest.fixture
def kompe(live_server, alice, tmp_path):
    token = Token.objects.create(user=alice).key
    # English, whatever the machine's locale: the CLI follows LC_ALL/LC_MESSAGES/LANG.
    env = {**{k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")},
           "LANG": "en_US.UTF-8", "KOMPE_URL": live_server.url, "KOMPE_TOKEN": token,
           "KOMPE_CONFIG": str(tmp_path / "config.json")}

    def run(*args: str, **overrides) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kompe", *args], capture_output=True,
                              text=True, env={**env, **overrides}, cwd=settings.BASE_DIR,
                              timeout=120)
    run.token = token
    return run


def test_participant_journey_from_the_command_line(kompe, celery_worker_process, competition,
                                                   tmp_path):
    listed = kompe("competitions", "list")
    assert listed.returncode == 0 and "animals" in listed.stdout

    refused = kompe("competitions", "files", "-c", "animals")
    assert refused.returncode == 1
    assert refused.stderr.strip() == f"kompe: {NOT_JOINED}"

    assert "Joined animals as alice." in kompe("competitions", "join", "-c", "animals").stdout
    data = tmp_path / "data"
    assert kompe("competitions", "download", "-c", "animals", "-p", str(data)).returncode == 0
    assert (data / "sample_submission.csv").read_bytes().startswith(b"id,label\n")
    again = kompe("competitions", "download", "-c", "animals", "-p", str(data))
    assert "Already complete, skipped: sample_submission.csv" in again.stdout

    good, bad = tmp_path / "予測.csv", tmp_path / "bad.csv"
    good.write_bytes(submission_csv(["ねこ"] + TRUE_LABELS[1:]))
    bad.write_bytes(submission_csv(["cat"] + TRUE_LABELS[1:]))
    checked = kompe("competitions", "validate", "-c", "animals", "-f", str(bad))
    assert checked.returncode == 1
    assert 'line 2: unknown label "cat".' in checked.stdout

    scored = kompe("competitions", "submit", "-c", "animals", "-f", str(good), "-d", "cnn",
                   "--wait")
    assert scored.returncode == 0, scored.stderr
    assert "Public score: 0.75000" in scored.stdout
    failed = kompe("competitions", "submit", "-c", "animals", "-f", str(bad), "--wait")
    assert failed.returncode == 1
    assert 'line 2: unknown label "cat".' in failed.stdout

    submissions = kompe("competitions", "submissions", "-c", "animals").stdout
    assert "予測.csv" in submissions and "0.75000" in submissions and "failed" in submissions
    board = kompe("competitions", "leaderboard", "-c", "animals")
    assert "alice" in board.stdout and "0.75000" in board.stdout
    assert "1 *" in board.stdout and "1 ranked" in board.stdout
    first = json.loads(kompe("competitions", "submissions", "-c", "animals",
                             "--json").stdout)[-1]
    scored_id = first["id"]
    assert first["description"] == "cnn"
    finals = kompe("competitions", "finals", "-c", "animals")
    assert f"#{scored_id}: your best public submissions (none marked)" in finals.stdout
    marked = kompe("competitions", "finals", "-c", "animals", "--mark", str(scored_id))
    assert f"#{scored_id}: the submissions you marked" in marked.stdout, marked.stderr
    as_json = kompe("competitions", "leaderboard", "-c", "animals", "--json")
    assert json.loads(as_json.stdout)["rows"][0]["participant"] == "alice"


def test_login_checks_the_server_and_writes_a_private_config(kompe, tmp_path, live_server):
    result = kompe("login", "--url", live_server.url, "--token", kompe.token,
                   KOMPE_URL="", KOMPE_TOKEN="")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "config.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # Later commands find the server and the token in the file.
    assert kompe("competitions", "list", KOMPE_URL="", KOMPE_TOKEN="").returncode == 0


def test_wrong_url_and_bad_token_get_clear_messages(kompe, competition):
    unreachable = kompe("competitions", "list", KOMPE_URL="http://127.0.0.1:9")
    assert unreachable.returncode == 1
    assert "Cannot reach the Kompe server at http://127.0.0.1:9" in unreachable.stderr
    bad_token = kompe("competitions", "submissions", "-c", "animals", KOMPE_TOKEN="nope")
    assert bad_token.returncode == 1
    assert "Invalid token." in bad_token.stderr and "kompe login" in bad_token.stderr


def test_closed_competition_says_a_submission_is_late(kompe, make_competition, alice,
                                                     tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from competitions.services import NOT_OPEN, join_competition

    over = make_competition(slug="over", end_at=timezone.now() - timedelta(days=1))
    join_competition(competition=over, user=alice)
    path = tmp_path / "p.csv"
    path.write_bytes(submission_csv(TRUE_LABELS))
    result = kompe("competitions", "submit", "-c", "over", "-f", str(path))
    assert result.returncode == 0, result.stderr
    assert "(late: scored, not ranked)" in result.stdout
    soon = make_competition(slug="soon", start_at=timezone.now() + timedelta(days=1))
    join_competition(competition=soon, user=alice)
    result = kompe("competitions", "submit", "-c", "soon", "-f", str(path))
    assert result.returncode == 1
    assert result.stderr.strip() == f"kompe: {NOT_OPEN}"


@pytest.mark.parametrize("flag", ["-d", "--description", "-m", "--message"])
def test_a_submissions_description_is_given_as_the_api_names_it_or_as_kaggles_message(flag):
    from kompe.cli import _parser

    args = _parser().parse_args(["competitions", "submit", "-c", "animals", "-f", "p.csv",
                                 flag, "cnn"])
    assert args.description == "cnn"


def test_the_cli_speaks_japanese_under_a_japanese_locale_server_words_included(
        kompe, competition, alice_joined, tmp_path):
    bad = tmp_path / "予測.csv"
    bad.write_bytes(submission_csv(["cat"] + TRUE_LABELS[1:]))
    checked = kompe("competitions", "validate", "-c", "animals", "-f", str(bad),
                    LANG="ja_JP.UTF-8")
    assert checked.returncode == 1
    assert "予測.csv: 問題が 1 件あります。投稿されていません。" in checked.stdout
    assert "2 行目" in checked.stdout  # the server's problem, in Japanese too
    listed = kompe("competitions", "list", LC_ALL="ja_JP.UTF-8")
    assert "タイトル" in listed.stdout
