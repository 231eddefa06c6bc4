"""A learner uploads a zip of labelled images, watches the build, opens the gallery."""

import time

import pytest

from tests.browser.conftest import log_in, screenshot
from tests.imagezips import JAPANESE_CLASSES, folder_entries, make_zip

pytestmark = pytest.mark.browser


def test_learner_uploads_a_zip_watches_the_build_and_opens_the_gallery(
        page, celery_worker_process, alice, tmp_path):
    zip_path = tmp_path / "自由研究.zip"
    zip_path.write_bytes(make_zip(folder_entries(JAPANESE_CLASSES, 40, "JPEG")))
    log_in(page, "alice")
    page.get_by_test_id("host-link").click()
    page.get_by_test_id("new-competition").click()
    page.fill("#id_title", "ダンゴムシとワラジムシ")
    page.fill("#id_slug", "bugs")
    page.set_input_files("#id_zip_file", str(zip_path))
    page.get_by_test_id("build-button").click()

    status = page.get_by_test_id("build-status")
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = status.get_attribute("data-status")
        if not seen or seen[-1] != state:
            seen.append(state)
            if state == "running":
                screenshot(page, "community-build-running")
        if state in ("done", "failed"):
            break
        time.sleep(0.1)
    assert seen[-1] == "done", page.locator("main").inner_text()
    assert seen[0] in ("queued", "running")  # the page showed the build before it ended
    assert "カブトムシ" in page.get_by_test_id("class-counts").inner_text()
    screenshot(page, "community-build-done")

    page.get_by_test_id("open-competition").click()
    page.wait_for_url("**/c/bugs/data/")
    gallery = page.locator(".gallery img")
    assert gallery.count() == 18
    gallery.first.evaluate("image => image.decode()")
    assert gallery.first.evaluate("image => image.naturalWidth") == 96
    assert "ワラジムシ" in page.locator(".gallery").inner_text()
    screenshot(page, "community-gallery")


def test_a_taken_address_keeps_the_chosen_zip_so_only_the_address_changes(
        page, competition, alice, tmp_path):
    zip_path = tmp_path / "自由研究.zip"
    zip_path.write_bytes(make_zip(folder_entries(JAPANESE_CLASSES, 6, "PNG")))
    log_in(page, "alice")
    page.goto("/host/new/")
    page.fill("#id_title", "ダンゴムシとワラジムシ")
    page.fill("#id_slug", competition.slug)  # taken
    page.set_input_files("#id_zip_file", str(zip_path))
    page.get_by_test_id("build-button").click()
    page.get_by_text("This address is already taken; choose another.").wait_for()
    assert page.input_value("#id_title") == "ダンゴムシとワラジムシ"
    assert page.eval_on_selector("#id_zip_file", "input => input.files.length") == 1
    page.fill("#id_slug", "bugs")
    page.get_by_test_id("build-button").click()
    page.get_by_test_id("build-status").wait_for()
    assert "/host/builds/" in page.url or "build" in page.url
