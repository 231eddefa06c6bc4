"""Baseline entries: scored like any entry, shown on the leaderboard with a badge, never
ranked. (The starter kit that trains models is `baselines/`, tested in tests/baselines/.)

Posting runs inside the test's transaction, so nothing reaches the broker: each test scores
the queued entries itself, as a worker would.
"""

from django.core.management import call_command
from django.urls import reverse

from competitions import baseline_entries, services
from competitions.baseline_entries import baseline_post, standard_baselines
from competitions.models import Submission
from competitions.selectors import public_leaderboard
from scoring.tasks import score_submission_task
from tests.conftest import TRUE_LABELS, scored, submission_csv


def run_queued():
    for pk in Submission.objects.filter(status="queued").values_list("pk", flat=True):
        score_submission_task(pk)


def test_a_posted_baseline_is_sent_for_scoring_once_it_is_committed(
        competition, olivia, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    # baseline_entries binds the name at import: patching services would change nothing.
    monkeypatch.setattr(baseline_entries, "enqueue_scoring", sent.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission = baseline_post(competition=competition, name="Random",
                                   content=submission_csv(TRUE_LABELS), user=olivia)
    assert sent == []
    for callback in callbacks:
        callback()
    assert sent == [submission.pk]
    assert submission.status == Submission.Status.QUEUED and submission.team.is_baseline


def test_baselines_show_with_a_badge_and_take_no_rank(client, olivia, competition,
                                                      alice_joined):
    scored(alice_joined, 0.5, 0.5, 10)
    baseline_post(competition=competition, name="Starter kit CNN",
                  content=submission_csv(TRUE_LABELS), user=olivia)
    run_queued()
    rows = public_leaderboard(competition)
    assert [(row.rank, row.team_name, row.is_baseline) for row in rows] == [
        (None, "Starter kit CNN", True), (1, "alice", False)]
    page = client.get(reverse("leaderboard", args=[competition.slug])).content.decode()
    assert "Starter kit CNN" in page and "baseline" in page


def test_organizer_posts_the_standard_baselines_from_the_admin(client, olivia, competition):
    assert set(standard_baselines(competition)) == {"Random", "Majority class"}
    client.force_login(olivia)
    client.post(reverse("admin:competitions_competition_changelist"),
                {"action": "post_baselines", "_selected_action": [competition.pk]})
    run_queued()
    rows = {row.team_name: row for row in public_leaderboard(competition)}
    # The public rows hold いぬ, ねこ, とり, いぬ: "majority" (no train.csv) guesses いぬ.
    assert rows["Majority class"].score == 0.5 and rows["Majority class"].rank is None
    assert 0 <= rows["Random"].score <= 1


def test_post_baseline_command(competition, olivia, tmp_path):
    path = tmp_path / "kit.csv"
    path.write_bytes(submission_csv(TRUE_LABELS))
    call_command("post_baseline", competition.slug, "Starter kit", str(path))
    run_queued()
    assert public_leaderboard(competition)[0].team_name == "Starter kit"


def test_baselines_do_not_use_or_count_against_anyones_limit(competition, olivia,
                                                             alice_joined):
    for _ in range(7):
        baseline_post(competition=competition, name="Random", content=b"id,label\n",
                      user=olivia)
    assert services.submissions_left_today(competition=competition,
                                           team=alice_joined.team) == 5
