"""Choosing final submissions on the page, and the private leaderboard after the end."""

from datetime import timedelta

from django.utils import timezone

from competitions.services import join_competition
from tests.browser.conftest import log_in, screenshot
from tests.conftest import scored


def test_participant_marks_a_final_submission_and_the_page_says_what_counts(
        page, competition, alice, alice_joined):
    best = scored(alice_joined, 0.75, 0.5, minutes_ago=60)
    other = scored(alice_joined, 0.5, 0.875, minutes_ago=30)
    log_in(page, "alice")
    page.goto(f"/c/{competition.slug}/submissions/")
    finals = page.get_by_test_id("finals")
    assert "your best public submissions count" in finals.inner_text()
    assert page.get_by_test_id(f"counts-{best.pk}").inner_text() == "final (automatic)"
    page.get_by_test_id(f"mark-{other.pk}").click()
    page.wait_for_url(f"**/c/{competition.slug}/submissions/")
    assert f"Submission #{other.pk} is now final." in page.content()
    assert f"These submissions count: #{other.pk}" in " ".join(
        page.get_by_test_id("finals").inner_text().split())
    assert page.get_by_test_id(f"counts-{best.pk}").count() == 0
    screenshot(page, "final-submissions")


def test_after_the_end_the_private_board_shows_the_shake_up(
        page, competition, alice, make_user):
    for name, public, private, minutes_ago in [("ann", 0.9, 0.6, 30), ("ben", 0.8, 0.5, 20),
                                               ("alice", 0.7, 0.95, 10)]:
        user = alice if name == "alice" else make_user(name)
        scored(join_competition(competition=competition, user=user), public, private,
               minutes_ago)
    log_in(page, "alice")
    page.goto(f"/c/{competition.slug}/leaderboard/private/")
    assert page.get_by_test_id("private-not-revealed").is_visible()
    assert page.get_by_test_id("private-leaderboard").count() == 0

    competition.end_at = timezone.now() - timedelta(seconds=1)
    competition.save(update_fields=["end_at"])
    page.reload()
    rows = page.get_by_test_id("private-leaderboard").locator("tbody tr")
    assert [" ".join(rows.nth(i).inner_text().split()[:3]) for i in range(3)] == [
        "1 ▲2 alice", "2 ▼1 ann", "3 ▼1 ben"]
    screenshot(page, "private-leaderboard")
