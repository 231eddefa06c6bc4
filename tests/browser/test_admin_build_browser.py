"""A teacher who is not a Django expert turns a zip of labelled images into a published
competition from the admin, in a real browser, in under two minutes."""

import time

import pytest

from competitions import policy
from competitions.models import Competition
from tests.browser.conftest import log_in, screenshot
from tests.imagezips import CLASSES, folder_entries, make_zip

pytestmark = [pytest.mark.browser, pytest.mark.worker]
TWO_MINUTES = 120


def train_val_zip() -> bytes:
    """PyTorch's ImageFolder layout: train/<class>/… and val/<class>/…"""
    entries = {}
    for part, count, start in (("train", 16, 0), ("val", 6, 500)):
        for name, data in folder_entries(CLASSES, count, "JPEG", start=start).items():
            entries[f"{part}/{name}"] = data
    return make_zip(entries)


def test_a_teacher_builds_and_publishes_a_competition_from_images_in_the_admin(
        page, celery_worker_process, make_user, tmp_path):
    teacher = make_user("teacher", is_staff=True)
    zip_path = tmp_path / "授業の画像.zip"
    zip_path.write_bytes(train_val_zip())
    started = time.monotonic()

    log_in(page, "teacher")
    page.goto("/admin/competitions/competition/")
    page.get_by_test_id("admin-build-link").click()
    page.fill("#id_title", "ダンゴムシとワラジムシ 2027")
    page.fill("#id_slug", "bugs-2027")
    page.set_input_files("#id_zip_file", str(zip_path))
    page.get_by_label("Keep my split").check()
    page.get_by_test_id("admin-build-button").click()

    # The page refreshes itself until the build ends.
    page.wait_for_selector('[data-testid="build-status"][data-status="done"]',
                           timeout=TWO_MINUTES * 1000)
    assert page.get_by_test_id("checklist-clear").is_visible()
    assert "warajimushi" in page.get_by_test_id("class-counts").inner_text()
    screenshot(page, "admin-build-done")
    page.get_by_test_id("admin-publish-link").click()
    page.get_by_test_id("admin-publish-button").click()
    page.wait_for_url("**/admin/competitions/competition/*/change/")
    elapsed = time.monotonic() - started

    competition = Competition.objects.get(slug="bugs-2027")
    assert competition.is_published and competition.host is None
    assert policy.organizes(teacher, competition)
    assert competition.solution_public_rows + competition.solution_private_rows == 12
    assert elapsed < TWO_MINUTES, elapsed
    page.goto("/c/bugs-2027/")
    assert "ダンゴムシとワラジムシ 2027" in page.locator("main").inner_text()
