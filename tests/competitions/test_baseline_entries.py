"""Baseline entries: scored like any entry, shown on the leaderboard with a badge, never
ranked. (The starter kit that trains models is `baselines/`, tested in tests/baselines/.)"""

from django.core.management import call_command
from django.urls import reverse

from competitions import services
from competitions.baseline_entries import baseline_post, standard_baselines
from competitions.selectors import public_leaderboard
from tests.conftest import TRUE_LABELS, deliver, scored, submission_csv


def test_baselines_show_with_a_badge_and_take_no_rank(
        client, olivia, competition, alice_joined, django_capture_on_commit_callbacks,
        scoring_messages):
    scored(alice_joined, 0.5, 0.5, 10)
    with django_capture_on_commit_callbacks(execute=True):
        baseline_post(competition=competition, name="Starter kit CNN",
                      content=submission_csv(TRUE_LABELS), user=olivia)
    assert deliver(scoring_messages) == ["scored"]
    rows = public_leaderboard(competition)
    assert [(row.rank, row.team_name, row.is_baseline) for row in rows] == [
        (None, "Starter kit CNN", True), (1, "alice", False)]
    page = client.get(reverse("leaderboard", args=[competition.slug])).content.decode()
    assert "Starter kit CNN" in page and "baseline" in page


def test_organizer_posts_the_standard_baselines_from_the_admin(
        client, olivia, competition, django_capture_on_commit_callbacks, scoring_messages):
    assert set(standard_baselines(competition)) == {"Random", "Majority class"}
    client.force_login(olivia)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:competitions_competition_changelist"),
                    {"action": "post_baselines", "_selected_action": [competition.pk]})
    assert deliver(scoring_messages) == ["scored", "scored"]
    rows = {row.team_name: row for row in public_leaderboard(competition)}
    # The public rows hold いぬ, ねこ, とり, いぬ: "majority" (no train.csv) guesses いぬ.
    assert rows["Majority class"].score == 0.5 and rows["Majority class"].rank is None
    assert 0 <= rows["Random"].score <= 1


def test_post_baseline_command(competition, olivia, tmp_path,
                               django_capture_on_commit_callbacks, scoring_messages):
    path = tmp_path / "kit.csv"
    path.write_bytes(submission_csv(TRUE_LABELS))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("post_baseline", competition.slug, "Starter kit", str(path))
    assert deliver(scoring_messages) == ["scored"]
    assert public_leaderboard(competition)[0].team_name == "Starter kit"


def test_baselines_do_not_use_or_count_against_anyones_limit(
        competition, olivia, alice_joined, django_capture_on_commit_callbacks,
        scoring_messages):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(7):
            baseline_post(competition=competition, name="Random", content=b"id,label\n",
                          user=olivia)
    assert deliver(scoring_messages) == ["failed"] * 7
    assert services.submissions_left_today(competition=competition,
                                           team=alice_joined.team) == 5
