"""`train … && submit …` against a live server with a real worker: the kit's submission
becomes a scored entry on the leaderboard."""

import pytest
from rest_framework.authtoken.models import Token

from baselines.cli import main
from competitions.models import Submission
from competitions.services import join_competition
from kompe.client import Client
from scoring.scorer import score_submission
from scoring.solution import parse_solution
from tests.conftest import LABELS, SOLUTION_CSV

pytestmark = [pytest.mark.worker, pytest.mark.filterwarnings(
    "ignore:__array__ implementation:DeprecationWarning")]


def test_a_trained_runs_submission_is_scored_on_the_leaderboard(
        cnn_run, live_server, celery_worker_process, competition, alice, monkeypatch, capsys):
    join_competition(competition=competition, user=alice)
    monkeypatch.setenv("KOMPE_URL", live_server.url)
    monkeypatch.setenv("KOMPE_TOKEN", Token.objects.create(user=alice).key)
    monkeypatch.setenv("KOMPE_CONFIG", str(cnn_run.parent / "no-config.json"))

    assert main(["submit", str(cnn_run), "-c", competition.slug]) == 0

    expected = score_submission((cnn_run / "submission.csv").read_bytes(),
                                solution=parse_solution(SOLUTION_CSV, LABELS), labels=LABELS,
                                metric="accuracy").public
    assert f"Public score: {expected:.5f}" in capsys.readouterr().out
    submission = Submission.objects.get(competition=competition, submitted_by=alice)
    assert submission.status == "scored" and submission.public_score == pytest.approx(expected)
    assert submission.description.startswith("baselines cnn: validation accuracy ")
    board = Client(live_server.url, Token.objects.get(user=alice).key).leaderboard(
        competition.slug)
    assert [(row["participant"], row["rank"]) for row in board["rows"]] == [("alice", 1)]
    assert board["rows"][0]["score"] == pytest.approx(expected)


def test_submitting_a_file_that_is_not_there_says_what_to_run(tmp_path, capsys):
    assert main(["submit", str(tmp_path), "-c", "animals"]) == 1
    assert "No submission at" in capsys.readouterr().err
