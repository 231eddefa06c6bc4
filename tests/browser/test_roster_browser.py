"""A teacher imports a class roster in the admin and downloads the learners' one-time
links; a learner opens theirs, confirms, and lands signed in, asked to choose a password."""

import csv
import io

import pytest

from competitions import policy
from tests.browser.conftest import log_in, screenshot
from tests.competitions.test_roster import roster_csv

pytestmark = pytest.mark.browser


def test_teacher_imports_a_roster_and_a_learner_signs_in_with_the_link(
        page, make_user, competition, tmp_path):
    teacher = make_user("teacher", is_staff=True)
    policy.make_organizer(teacher, competition)
    roster = tmp_path / "名簿.csv"
    roster.write_bytes(roster_csv(30))
    log_in(page, "teacher")
    page.goto("/admin/competitions/competition/")
    page.locator(f"input[name=_selected_action][value='{competition.pk}']").check()
    page.select_option("select[name=action]", "import_roster")
    page.locator("button[name=index]").click()
    page.set_input_files("#id_roster", str(roster))
    screenshot(page, "roster-import")
    with page.expect_download() as download:
        page.locator("input[type=submit]").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 30 and rows[0]["student number"] == "S2026001"

    page.context.clear_cookies()
    page.goto(rows[0]["one-time sign-in link"])  # only asks: a mail scanner may open it
    screenshot(page, "roster-sign-in")
    page.get_by_test_id("roster-sign-in").locator("button[type=submit]").click()
    page.wait_for_url("**/accounts/password/set/")
    page.goto(f"/c/{competition.slug}/submit/")
    assert "/submit/" in page.url  # joined and signed in
