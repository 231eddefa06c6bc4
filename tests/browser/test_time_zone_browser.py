"""A reader in New York: after the first page, whose script tells the server the browser's
time zone, pages show the deadline in New York time — under the Content-Security-Policy,
with no violation reported."""

from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.browser
# 2027-01-15 00:00 UTC: 09:00 in Tokyo (the site's zone), 19:00 the day before in New York.
END = datetime(2027, 1, 15, 0, 0, tzinfo=UTC)


@pytest.fixture
def new_york(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US",
                                  timezone_id="America/New_York",
                                  viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_a_reader_in_new_york_sees_the_deadline_in_new_york_time_from_the_second_page(
        new_york, make_competition):
    make_competition(slug="course", end_at=END)
    violations: list[str] = []
    new_york.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)

    new_york.goto("/c/course/")
    # The first page was made before the server knew: the site's zone, named.
    assert "2027-01-15 09:00 JST" in new_york.locator("main").inner_text()
    [cookie] = [cookie for cookie in new_york.context.cookies() if cookie["name"] == "tz"]
    assert cookie["value"] == "America/New_York" and cookie["sameSite"] == "Lax"
    assert cookie["path"] == "/" and cookie["expires"] > datetime.now().timestamp() + 300 * 86400

    new_york.goto("/c/course/")
    text = new_york.locator("main").inner_text()
    assert "2027-01-14 19:00 EST" in text and "JST" not in text
    assert violations == []
