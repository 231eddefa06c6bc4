"""At a phone's 390 px the pages stay within the viewport: a wide table scrolls inside
its own box, the page itself never scrolls sideways."""

import pytest

from competitions.models import Submission
from competitions.services import submission_create
from tests.browser.conftest import log_in, screenshot
from tests.conftest import TRUE_LABELS, submission_csv, upload, wait_for

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_my_submissions_fits_a_390_px_phone_with_status_and_button_on_one_line(
        page, celery_worker_process, competition, alice, alice_joined):
    submission_create(competition=competition, user=alice,
                      file=upload(submission_csv(TRUE_LABELS), "予測_とても長いファイル名_v12.csv"))
    submission_create(competition=competition, user=alice,
                      file=upload(submission_csv(["cat"] * len(TRUE_LABELS)), "bad.csv"))
    wait_for(lambda: not Submission.objects.filter(status__in=["queued", "scoring"]).exists())
    page.set_viewport_size(PHONE)
    log_in(page, "alice")
    for path in ("submissions/", "submit/", "", "leaderboard/"):
        page.goto(f"/c/{competition.slug}/{path}")
        assert page_width(page) <= PHONE["width"], path
    page.goto(f"/c/{competition.slug}/submissions/")
    screenshot(page, "my-submissions-390px")
    # One line each: a badge or a button no taller than about a line of text.
    for locator in (page.locator("#submissions .badge").first,
                    page.locator("#submissions td.final .button").first):
        box = locator.bounding_box()
        assert box["height"] < 40


def test_my_submissions_on_a_desktop_keeps_status_and_final_button_on_one_line(
        page, celery_worker_process, competition, alice, alice_joined):
    submission_create(competition=competition, user=alice,
                      file=upload(submission_csv(TRUE_LABELS), "good.csv"))
    submission_create(competition=competition, user=alice,
                      file=upload(submission_csv(["cat"] * len(TRUE_LABELS)), "bad.csv"))
    wait_for(lambda: not Submission.objects.filter(status__in=["queued", "scoring"]).exists())
    log_in(page, "alice")
    page.goto(f"/c/{competition.slug}/submissions/")
    for locator in (page.locator("#submissions .badge").first,
                    page.locator("#submissions td.final .button").first):
        assert locator.bounding_box()["height"] < 40
    assert page_width(page) <= 1200


def test_the_data_page_fits_a_375_px_phone_with_the_demos_long_descriptions(
        page, competition, alice, alice_joined):
    competition.data_files.update(
        description="a valid submission to start from, every test id once / 投稿ファイルの例")
    page.set_viewport_size({"width": 375, "height": 812})
    log_in(page, "alice")
    page.goto(f"/c/{competition.slug}/data/")
    assert page.get_by_role("link", name="sample_submission.csv").is_visible()
    assert page_width(page) <= 375
