
from django.urls import reverse

from competitions.models import Submission
from competitions.selectors import public_leaderboard
from tests.conftest import scored


def test_leaderboard_ranks_each_team_by_its_best_public_score(
        competition, alice, bob, alice_joined, bob_joined):
    scored(alice_joined, 0.5, minutes_ago=30)
    scored(alice_joined, 0.75, minutes_ago=20)
    scored(bob_joined, 0.9, minutes_ago=10)
    rows = public_leaderboard(competition)
    assert [(row.rank, row.team_name, row.score, row.entries) for row in rows] == [
        (1, "bob", 0.9, 1), (2, "alice", 0.75, 2)]


def test_ties_go_to_the_earlier_entry(competition, alice, bob, alice_joined, bob_joined):
    scored(bob_joined, 0.75, minutes_ago=5)
    early = scored(alice_joined, 0.75, minutes_ago=50)
    scored(alice_joined, 0.75, minutes_ago=1)
    rows = public_leaderboard(competition)
    assert [row.team_name for row in rows] == ["alice", "bob"]
    assert rows[0].best_at == early.created_at


def test_failed_and_pending_submissions_are_not_ranked(competition, alice, alice_joined):
    failed = Submission.objects.create(competition=competition, team=alice_joined.team,
                                       submitted_by=alice, original_name="bad.csv")
    assert failed.claim_for_scoring()
    failed.mark_failed([])
    Submission.objects.create(competition=competition, team=alice_joined.team,
                              submitted_by=alice, original_name="queued.csv")
    assert public_leaderboard(competition) == []


def test_leaderboard_page_never_shows_private_scores(client, competition, alice, alice_joined):
    scored(alice_joined, 0.25, 0.8125)
    page = client.get(reverse("leaderboard", args=[competition.slug])).content.decode()
    assert "0.25000" in page
    assert "0.8125" not in page
