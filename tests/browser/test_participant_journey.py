"""The participant's path through a real browser: log in, join, download, upload, score."""

import pytest
from django.utils import translation

from tests.browser.conftest import log_in, screenshot
from tests.conftest import TRUE_LABELS, submission_csv

pytestmark = pytest.mark.browser


def test_participant_joins_uploads_a_csv_and_sees_its_score_appear(
        page, celery_worker_process, competition, alice, tmp_path):
    log_in(page, "alice")
    page.goto(f"/c/{competition.slug}/")
    page.check("#id_accept_rules")
    page.get_by_role("button", name="Join the competition").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="sample_submission.csv").click()
    assert download.value.suggested_filename == "sample_submission.csv"

    predictions = tmp_path / "予測_v1.csv"
    predictions.write_bytes(submission_csv(["ねこ"] + TRUE_LABELS[1:]))
    page.goto(f"/c/{competition.slug}/submit/")
    page.set_input_files("#id_file", str(predictions))
    page.fill("#id_description", "first CNN")
    page.get_by_test_id("submit-button").click()

    # The row changes from queued to scored without a reload.
    scored_row = page.locator("tr[data-status=scored]")
    scored_row.wait_for()
    assert "0.75000" in scored_row.inner_text()
    assert "予測_v1.csv" in scored_row.inner_text()
    screenshot(page, "my-submissions")
    page.get_by_role("link", name="Leaderboard").click()
    assert "0.75000" in page.locator("table.leaderboard").inner_text()


def send_bad_file(page, competition, tmp_path, button: str) -> None:
    """As alice, upload a file whose line 2 has an unknown label, with the given button."""
    bad = tmp_path / "bad.csv"
    bad.write_bytes(submission_csv(["cat"] + TRUE_LABELS[1:]))
    log_in(page, "alice")
    page.goto(f"/c/{competition.slug}/submit/")
    page.set_input_files("#id_file", str(bad))
    page.get_by_test_id(button).click()


def test_bad_file_shows_its_problems_with_line_numbers(
        page, celery_worker_process, competition, alice, alice_joined, tmp_path):
    send_bad_file(page, competition, tmp_path, "submit-button")
    failed_row = page.locator("tr[data-status=failed]")
    failed_row.wait_for()
    assert 'line 2: unknown label "cat".' in failed_row.inner_text()


def test_switching_to_japanese_shows_competition_submit_and_leaderboard_in_japanese(
        page, competition, alice, alice_joined):
    log_in(page, "alice")
    page.goto(f"/c/{competition.slug}/")
    page.get_by_test_id("language-ja").click()
    with translation.override("ja"):
        expected = {"overview": translation.gettext("Overview"),
                    "submit": translation.gettext("Submit predictions"),
                    "leaderboard": translation.gettext("Public leaderboard")}
    assert expected["leaderboard"] != "Public leaderboard", "the Japanese catalogue is missing"

    assert page.locator("html").get_attribute("lang") == "ja"
    assert expected["overview"] in page.locator("main").inner_text()
    screenshot(page, "overview-ja")
    page.goto(f"/c/{competition.slug}/submit/")
    assert expected["submit"] in page.locator("main").inner_text()
    screenshot(page, "submit-ja")
    page.goto(f"/c/{competition.slug}/leaderboard/")
    assert expected["leaderboard"] in page.locator("main").inner_text()
    screenshot(page, "leaderboard-ja")

    page.get_by_test_id("language-en").click()
    assert "Public leaderboard" in page.locator("main").inner_text()


def test_dry_run_answers_on_the_page_without_submitting(page, competition, alice, alice_joined,
                                                        tmp_path):
    send_bad_file(page, competition, tmp_path, "check-button")
    result = page.get_by_test_id("check-result")
    assert 'line 2: unknown label "cat".' in result.inner_text()
    assert "Nothing was submitted." in result.inner_text()
    screenshot(page, "dry-run")


def test_score_history_chart_shows_on_the_submissions_page(page, competition, alice,
                                                           alice_joined):
    import os

    from tests.browser.conftest import ARTIFACTS
    from tests.conftest import scored

    for public, minutes_ago in [(0.25, 300), (0.5, 200), (0.4, 120), (0.75, 60), (0.7, 5)]:
        scored(alice_joined, public, 0.9, minutes_ago)
    log_in(page, "alice")
    page.goto(f"/c/{competition.slug}/submissions/")
    chart = page.get_by_test_id("score-history")
    assert chart.locator("circle").count() == 5
    assert "0.7500" in chart.inner_text() or chart.locator("text").count() >= 5
    os.makedirs(ARTIFACTS, exist_ok=True)
    chart.screenshot(path=os.path.join(ARTIFACTS, "score-history.png"))
    assert os.path.getsize(os.path.join(ARTIFACTS, "score-history.png")) > 2000


def test_the_being_scored_banner_goes_once_the_score_arrives(
        page, celery_worker_process, competition, alice, alice_joined, tmp_path):
    predictions = tmp_path / "予測.csv"
    predictions.write_bytes(submission_csv(TRUE_LABELS))
    log_in(page, "alice")
    page.goto(f"/c/{competition.slug}/submit/")
    page.set_input_files("#id_file", str(predictions))
    page.get_by_test_id("submit-button").click()
    page.locator("tr[data-status=scored]").wait_for()
    banner = page.get_by_text("Your file was received and is being scored.")
    banner.wait_for(state="detached")
    assert banner.count() == 0


def test_check_only_keeps_the_chosen_file_so_it_can_be_submitted_next(
        page, celery_worker_process, competition, alice, alice_joined, tmp_path):
    predictions = tmp_path / "予測_確認.csv"
    predictions.write_bytes(submission_csv(TRUE_LABELS))
    log_in(page, "alice")
    page.goto(f"/c/{competition.slug}/submit/")
    page.set_input_files("#id_file", str(predictions))
    page.get_by_test_id("check-button").click()
    result = page.get_by_test_id("check-result")
    result.wait_for()
    assert "予測_確認.csv is valid and ready to submit." in result.inner_text()
    assert page.eval_on_selector("#id_file", "input => input.files.length") == 1
    page.get_by_test_id("submit-button").click()
    scored_row = page.locator("tr[data-status=scored]")
    scored_row.wait_for()
    assert "予測_確認.csv" in scored_row.inner_text()
