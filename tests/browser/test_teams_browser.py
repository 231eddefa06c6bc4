"""Two learners form a team in a real browser, both submit, and the board shows one row
with both names."""

import pytest

from competitions.services import join_competition
from tests.browser.conftest import log_in, screenshot, upload
from tests.conftest import TRUE_LABELS, submission_csv

pytestmark = pytest.mark.browser


def test_two_learners_form_a_team_by_invitation_and_share_one_row(
        page, browser, live_server, celery_worker_process, make_competition, alice, bob,
        tmp_path):
    course = make_competition(slug="course", max_team_size=2)
    join_competition(competition=course, user=alice)
    log_in(page, "alice")
    page.goto("/c/course/team/")
    page.fill("#id_username", "bob")
    page.get_by_role("button", name="Invite", exact=True).click()
    assert "bob is invited." in page.locator("main").inner_text()

    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    bobs = context.new_page()
    log_in(bobs, "bob")
    bobs.goto("/c/course/")
    bobs.get_by_test_id("team-tab").click()
    assert "“alice”, invited by alice" in bobs.locator("main").inner_text()
    bobs.check("#id_accept_rules")
    bobs.get_by_role("button", name="Accept", exact=True).click()
    assert "You joined the team “alice”." in bobs.locator("main").inner_text()
    assert bobs.get_by_test_id("team-members").inner_text().split() == ["alice", "bob",
                                                                         "(you)"]
    screenshot(bobs, "team-tab")

    good = tmp_path / "good.csv"
    good.write_bytes(submission_csv(TRUE_LABELS))
    worse = tmp_path / "worse.csv"
    worse.write_bytes(submission_csv(["ねこ"] + TRUE_LABELS[1:]))
    upload(page, "course", worse)
    upload(bobs, "course", good)
    # Both uploads are the team's: each member sees both.
    page.goto("/c/course/submissions/")
    page.locator("tr[data-status=scored]").nth(1).wait_for()
    bobs.goto("/c/course/leaderboard/")
    rows = bobs.locator("table.leaderboard tbody tr")
    assert rows.count() == 1
    assert "alice (alice, bob)" in rows.first.inner_text()
    assert "1.00000" in rows.first.inner_text()
    screenshot(bobs, "team-leaderboard")
    context.close()
