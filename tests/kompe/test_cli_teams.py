"""`kompe teams` against a live test server: two learners form a team from the command line."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token

from competitions.models import Participation
from competitions.services import join_competition
from tests.conftest import scored


@pytest.fixture
def kompe_as(live_server, tmp_path):
    def as_user(user):
        token = Token.objects.create(user=user).key
        env = {**os.environ, "KOMPE_URL": live_server.url, "KOMPE_TOKEN": token,
               "KOMPE_CONFIG": str(tmp_path / f"{user.username}.json")}

        def run(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "kompe", *args], capture_output=True,
                                  text=True, env=env, cwd=settings.BASE_DIR, timeout=120)
        return run
    return as_user


def test_two_learners_form_a_team_and_one_leaves_from_the_command_line(
        kompe_as, make_competition, alice, bob):
    course = make_competition(slug="course", max_team_size=2)
    join_competition(competition=course, user=alice)
    alice_cli, bob_cli = kompe_as(alice), kompe_as(bob)

    invited = alice_cli("teams", "invite", "bob", "-c", "course")
    assert invited.returncode == 0, invited.stderr
    assert invited.stdout.strip() == "Invited bob into alice."
    shown = bob_cli("teams", "show", "-c", "course")
    assert shown.returncode == 1 and "Join the competition" in shown.stderr

    accepted = bob_cli("teams", "accept", "-c", "course")
    assert accepted.returncode == 0, accepted.stderr
    assert "You joined alice." in accepted.stdout
    assert "Team alice: alice, bob (2 of at most 2)" in accepted.stdout

    shown = alice_cli("teams", "show", "-c", "course")
    assert "Team alice: alice, bob (2 of at most 2)" in shown.stdout
    assert "Invite link: http" in shown.stdout

    scored(Participation.objects.get(user=alice), 0.5)
    board = bob_cli("competitions", "leaderboard", "-c", "course")
    assert "alice (alice, bob)" in board.stdout

    full = alice_cli("teams", "invite", "mallory", "-c", "course")
    assert full.returncode == 1
    assert full.stderr.strip() == "kompe: There is no user called “mallory”."

    left = bob_cli("teams", "leave", "-c", "course")
    assert left.returncode == 0, left.stderr
    assert left.stdout.strip() == "You left your team; you are now bob."


def test_accept_without_an_invitation_says_so(kompe_as, make_competition, bob):
    make_competition(slug="course", max_team_size=2)
    refused = kompe_as(bob)("teams", "accept", "-c", "course")
    assert refused.returncode == 1
    assert refused.stderr.strip() == "kompe: no invitation to accept"
