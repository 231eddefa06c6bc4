"""The bell: a learner sees its count rise when something happens and fall as they read."""

from datetime import timedelta

from django.utils import timezone

from competitions.services import join_competition
from notifications.kinds import Kind
from notifications.services import Tell, notify
from notifications.tasks import tell_reveal
from tests.browser.conftest import log_in, screenshot
from tests.conftest import scored


def _bell(page) -> str:
    return page.get_by_test_id("bell-count").inner_text()


def test_the_bell_count_rises_with_the_reveal_and_falls_when_read(
        page, competition, alice, bob):
    alice_in = join_competition(competition=competition, user=alice)
    scored(alice_in, 0.25, 0.875, minutes_ago=60)
    scored(join_competition(competition=competition, user=bob), 0.5, 0.375, minutes_ago=50)
    log_in(page, "alice")
    assert _bell(page) == "0"

    # The competition ends and the reveal is told; a build of hers finishes too.
    competition.end_at = timezone.now() - timedelta(seconds=1)
    competition.save(update_fields=["end_at"])
    tell_reveal.apply(args=[competition.pk])
    notify(kind=Kind.BUILD_DONE, event_key="build:7:done", link="/host/",
           tells=[Tell(alice, {"title": "ダンゴムシ"})])
    page.reload()
    assert _bell(page) == "2"

    page.get_by_test_id("bell").click()
    page.wait_for_url("**/notifications/")
    items = page.get_by_test_id("notification")
    assert items.count() == 2
    assert "you are 1 of 2 (up 1 place from the public leaderboard)" in page.content()
    screenshot(page, "notifications")
    items.filter(has_text="private leaderboard").get_by_role("button").first.click()
    page.wait_for_url(f"**/c/{competition.slug}/leaderboard/private/")
    assert _bell(page) == "1"

    page.goto("/notifications/")
    page.get_by_test_id("mark-all-read").click()
    page.wait_for_url("**/notifications/")
    assert _bell(page) == "0"
    page.get_by_test_id("language-ja").click()
    page.wait_for_load_state()
    assert "すべて既読にする" in page.content()
