"""Standings: one row per team, changed by each new score of that team only, so that the
leaderboards never recompute from all submissions."""

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from competitions.models import RescoreRun, Standing, Submission
from competitions.rescoring import competition_rescore
from competitions.selectors import leaderboard
from competitions.services import submission_rescore
from tests.conftest import scored
from tests.factories import change_competition


def public_board(competition):
    return [(row.rank, row.team_name, row.score) for row in leaderboard(competition).rows]


def test_a_new_score_moves_its_team_on_the_board(competition, alice_joined, bob_joined):
    scored(alice_joined, 0.5, minutes_ago=30)
    scored(bob_joined, 0.75, minutes_ago=20)
    assert public_board(competition) == [(1, "bob", 0.75), (2, "alice", 0.5)]
    scored(alice_joined, 1.0, minutes_ago=10)
    assert public_board(competition) == [(1, "alice", 1.0), (2, "bob", 0.75)]
    assert Standing.objects.get(team=alice_joined.team).entries == 2


def test_a_new_score_reads_only_its_own_teams_submissions(
        competition, alice_joined, bob_joined):
    for minutes_ago in range(20):
        scored(bob_joined, 0.5, minutes_ago=minutes_ago + 10)
    submission = Submission.objects.create(
        competition=competition, team=alice_joined.team, submitted_by=alice_joined.user,
        original_name="p.csv")
    assert submission.claim_for_scoring()
    with CaptureQueriesContext(connection) as queries:
        from scoring.scorer import Scores

        submission.mark_scored(Scores(public=0.9, private=0.9))
    reads = [query["sql"] for query in queries if query["sql"].startswith("SELECT")]
    submission_reads = [sql for sql in reads if "competitions_submission" in sql]
    assert len(submission_reads) == 1
    assert f'"team_id" = {alice_joined.team_id}' in submission_reads[0]
    assert public_board(competition)[0] == (1, "alice", 0.9)


def test_a_rescore_takes_the_old_score_off_the_board_until_it_is_scored_again(
        competition, alice_joined):
    submission = scored(alice_joined, 0.5)
    submission_rescore(submission=submission)
    assert public_board(competition) == []


def test_renaming_a_team_renames_its_row(competition, alice_joined):
    scored(alice_joined, 0.5)
    team = alice_joined.team
    team.name = "アリス"
    team.save()
    assert public_board(competition) == [(1, "アリス", 0.5)]


def test_rebuild_standings_command_recomputes_every_row(competition, alice_joined, bob_joined):
    scored(alice_joined, 0.5, minutes_ago=30)
    scored(bob_joined, 0.75, minutes_ago=20)
    before = public_board(competition)
    Standing.objects.all().delete()
    assert public_board(competition) == []
    call_command("rebuild_standings", competition.slug)
    assert public_board(competition) == before


def test_rescoring_everything_keeps_the_ranks_before_in_its_audit(
        competition, alice_joined, bob_joined):
    scored(alice_joined, 0.5, minutes_ago=30)
    scored(bob_joined, 0.75, minutes_ago=20)
    run = competition_rescore(competition=competition, reason="metric changed")
    assert {entry["team"]: entry["public"]["rank"] for entry in run.ranks_before.values()} == {
        "bob": 1, "alice": 2}
    assert set(Submission.objects.values_list("status", flat=True)) == {"queued"}
    assert not Standing.objects.exists()
    assert RescoreRun.objects.get().records.count() == 2


def test_changing_the_metric_in_the_admin_rescores_every_submission(
        client, olivia, competition, alice_joined):
    scored(alice_joined, 0.5)
    response = change_competition(client, olivia, competition, metric="balanced_accuracy")
    assert response.status_code == 302
    competition.refresh_from_db()
    assert competition.metric == "balanced_accuracy"
    run = RescoreRun.objects.get(competition=competition)
    assert "metric" in run.reason
    assert Submission.objects.get().status == "queued"


def test_fewer_finals_allowed_changes_the_private_board_after_the_rebuild_task(
        competition, alice_joined):
    from competitions.tasks import rebuild_standings_task

    scored(alice_joined, 0.9, 0.25, minutes_ago=30)
    scored(alice_joined, 0.8, 0.75, minutes_ago=20)  # second best public: a final of two
    assert leaderboard(competition, "private").rows[0].score == 0.75
    competition.final_submission_limit = 1
    competition.save(update_fields=["final_submission_limit"])
    assert rebuild_standings_task(competition.pk) == 1
    assert leaderboard(competition, "private").rows[0].score == 0.25


def test_deleting_a_submission_takes_it_off_the_board(
        django_capture_on_commit_callbacks, competition, alice_joined, bob_joined):
    mine = scored(alice_joined, 0.9, minutes_ago=30)
    scored(bob_joined, 0.5, minutes_ago=20)
    with django_capture_on_commit_callbacks(execute=True):
        mine.delete()
    assert public_board(competition) == [(1, "bob", 0.5)]
    # The viewer's own row is counted without a stale, file-less best entry.
    assert leaderboard(competition, "public", top=1, team_id=bob_joined.team_id).rows[
        0].rank == 1


def test_changing_the_submission_format_in_the_admin_rescores_every_submission(
        client, olivia, competition, alice_joined):
    scored(alice_joined, 0.5)
    response = change_competition(client, olivia, competition, submission_header="either")
    assert response.status_code == 302
    assert "submission_header" in RescoreRun.objects.get(competition=competition).reason
