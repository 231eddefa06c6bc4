"""The main pages work in Chromium under the Content-Security-Policy: the browser reports
no violation in the console on any of them (an inline script, style or event handler
would be refused and reported)."""

import pytest

from tests.browser.conftest import log_in
from tests.conftest import TRUE_LABELS, submission_csv

pytestmark = pytest.mark.browser


def _violations(page) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text)
            if "Content Security Policy" in message.text else None)
    return messages


def test_no_policy_violation_on_the_main_pages(page, competition, alice, alice_joined, olivia,
                                               tmp_path):
    violations = _violations(page)
    for path in ("/", "/accounts/login/", "/accounts/signup/", "/api/v1/docs/",
                 "/admin/login/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    log_in(page, "alice")
    slug = competition.slug
    bad = tmp_path / "bad.csv"
    bad.write_bytes(submission_csv(["cat"] + TRUE_LABELS[1:]))
    for path in (f"/c/{slug}/", f"/c/{slug}/data/", f"/c/{slug}/leaderboard/",
                 f"/c/{slug}/submissions/", f"/c/{slug}/report/", "/account/", "/host/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.goto(f"/c/{slug}/submit/")
    page.set_input_files("#id_file", str(bad))
    page.get_by_test_id("check-button").click()
    page.get_by_test_id("check-result").wait_for()
    assert violations == []


def test_the_api_documentation_renders_under_the_policy(page, db):
    violations = _violations(page)
    page.goto("/api/v1/docs/")
    page.locator(".swagger-ui .info").wait_for()
    assert "Kompe API" in page.locator(".swagger-ui .info").inner_text()
    assert violations == []


def test_the_admin_works_under_the_policy(page, olivia, competition):
    violations = _violations(page)
    page.goto("/admin/login/")
    page.fill("#id_username", "olivia")
    page.fill("#id_password", "olivia-password-1")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")
    for path in ("/admin/", "/admin/competitions/competition/",
                 f"/admin/competitions/competition/{competition.pk}/change/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert violations == []


def test_the_print_button_of_the_report_still_prints(page, competition, alice, alice_joined):
    log_in(page, "alice")
    page.goto(f"/c/{competition.slug}/report/")
    page.evaluate("() => { window.__printed = 0; "
                  "window.print = () => { window.__printed += 1; }; }")
    page.locator("[data-print]").click()
    assert page.evaluate("window.__printed") == 1


def test_an_inline_handler_is_refused_and_reported_so_the_checks_above_can_fail(page, db):
    violations = _violations(page)
    page.goto("/")
    page.evaluate("""() => { window.__ran = false;
        document.body.insertAdjacentHTML("beforeend",
            '<img src="/static/none.png" onerror="window.__ran = true">'); }""")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__ran") is False
    assert violations and "inline event handler" in violations[0]
