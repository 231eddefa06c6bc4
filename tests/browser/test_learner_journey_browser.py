"""Issue #16's whole journey in a real Chromium: two learners sign up with e-mail, verify,
form a team by invitation, both submit, the board shows one row with both names, and one
of them resets a forgotten password through the e-mailed link."""

import re

import pytest
from django.core import mail

from tests.browser.conftest import emailed_link, screenshot, sign_in, sign_up, upload
from tests.conftest import TRUE_LABELS, submission_csv

pytestmark = pytest.mark.browser
HANAKO_PASSWORD = "hanako-long-phrase-9"
TARO_PASSWORD = "taro-long-phrase-8"
NEW_PASSWORD = "taro-new-phrase-7"


def sign_up_and_verify(page, username: str, email: str, password: str) -> None:
    sign_up(page, username, email, password)
    page.goto(emailed_link(email))
    page.locator("main button[type=submit]").click()
    sign_in(page, email, password)
    page.get_by_test_id("account-link").wait_for()
    assert page.get_by_test_id("account-link").inner_text() == username


def test_two_new_learners_sign_up_team_up_share_a_row_and_one_resets_a_password(
        page, browser, live_server, celery_worker_process, make_competition, tmp_path):
    make_competition(slug="course", max_team_size=2)
    mail.outbox.clear()
    sign_up_and_verify(page, "はなこ", "hanako@example.com", HANAKO_PASSWORD)
    context = browser.new_context(base_url=live_server.url, locale="en-US",
                                  viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    taros = context.new_page()
    sign_up_and_verify(taros, "taro", "taro@example.com", TARO_PASSWORD)

    # Hanako joins, then invites Taro from the Team tab.
    page.goto("/c/course/")
    page.check("#id_accept_rules")
    page.get_by_role("button", name="Join the competition").click()
    page.get_by_test_id("team-tab").click()
    page.fill("#id_username", "taro")
    page.get_by_role("button", name="Invite", exact=True).click()
    assert "taro is invited." in page.locator("main").inner_text()

    # Taro accepts on his Team tab (accepting also joins the competition).
    taros.goto("/c/course/")
    taros.get_by_test_id("team-tab").click()
    assert "invited by はなこ" in taros.locator("main").inner_text()
    taros.check("#id_accept_rules")
    taros.get_by_role("button", name="Accept", exact=True).click()
    assert "You joined the team" in taros.locator("main").inner_text()
    members = taros.get_by_test_id("team-members").inner_text()
    assert "はなこ" in members and "taro" in members

    good = tmp_path / "good.csv"
    good.write_bytes(submission_csv(TRUE_LABELS))
    worse = tmp_path / "予測.csv"
    worse.write_bytes(submission_csv(["ねこ"] + TRUE_LABELS[1:]))
    upload(page, "course", worse)
    upload(taros, "course", good)
    page.goto("/c/course/submissions/")
    page.locator("tr[data-status=scored]").nth(1).wait_for()

    # The public board: one row, naming both.
    page.goto("/c/course/leaderboard/")
    rows = page.locator("table.leaderboard tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert "はなこ" in row and "taro" in row and "1.00000" in row
    screenshot(page, "journey-team-leaderboard")

    # Taro forgets his password: signs out, resets it through the e-mailed link.
    taros.locator("header button", has_text="Log out").click()
    taros.goto("/accounts/login/")
    taros.get_by_role("link", name=re.compile("Forgot")).click()
    taros.fill("#id_email", "taro@example.com")
    mail.outbox.clear()
    taros.locator("main button[type=submit]").click()
    taros.wait_for_url("**/accounts/password/reset/done/")
    taros.goto(emailed_link("taro@example.com"))
    taros.fill("#id_password1", NEW_PASSWORD)
    taros.fill("#id_password2", NEW_PASSWORD)
    taros.get_by_role("button", name="Change Password").click()
    taros.wait_for_url("**/accounts/password/reset/key/done/")

    sign_in(taros, "taro", TARO_PASSWORD)  # the old password no longer works
    assert taros.url.endswith("/accounts/login/")
    sign_in(taros, "taro", NEW_PASSWORD)
    taros.get_by_test_id("account-link").wait_for()
    assert taros.get_by_test_id("account-link").inner_text() == "taro"
    context.close()
