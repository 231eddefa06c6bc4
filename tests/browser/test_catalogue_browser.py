"""Every catalogue file, checked with the dry run in a real browser, shows exactly its
messages (or "valid")."""

import pytest

from tests.browser.conftest import log_in
from tests.scoring.catalogue import ENTRIES, HERE, competitions_by_file

pytestmark = pytest.mark.browser


def test_every_catalogue_file_shows_its_exact_messages_in_the_browser(
        page, make_competition, alice, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "validate", "1000/min")
    competitions = competitions_by_file(make_competition, alice)
    log_in(page, "alice")
    mismatches = []
    for entry in ENTRIES:
        page.goto(f"/c/{competitions[entry['file']].slug}/submit/")
        page.set_input_files("#id_file", str(HERE / "files" / entry["file"]))
        page.get_by_test_id("check-button").click()
        # The answer comes without a reload (check.js): wait for it.
        page.locator("[data-testid=check-result], .errorlist li").first.wait_for()
        result = page.get_by_test_id("check-result")
        if result.count():
            shown = result.locator("li").all_inner_texts()
            valid = not shown and "is valid" in result.inner_text()
        else:  # refused at upload, as a form error with the same words
            shown, valid = page.locator(".errorlist li").all_inner_texts(), False
        if entry["messages"] != shown or (not shown and not valid):
            mismatches.append((entry["file"], shown))
    assert mismatches == []
