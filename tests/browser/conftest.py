"""A real Chromium (Debian's package) driven by Playwright, against pytest-django's live server."""

import os
import re
import shutil

import pytest
from django.core import mail

from tests.conftest import skip_or_fail

CHROMIUM = os.environ.get("KOMPE_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach Google's hosts, which
# this closed network refuses.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
ARTIFACTS = os.path.join(os.getcwd(), "test-artifacts")
# Playwright's sync API keeps an event loop running in this thread, which makes Django
# refuse ORM calls from the test itself; the tests do not share connections across
# threads, so the check is safely off here (as Playwright's Django guide does).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        skip_or_fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US",
                                  viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    """Kept under test-artifacts/ for a person to look at."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", username)  # allauth: a username or an e-mail address
    page.fill("#id_password", f"{username}-password-1")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/")


def sign_in(page, login: str, password: str) -> None:
    """Submits the sign-in form; the caller checks where it leads."""
    page.goto("/accounts/login/")
    page.fill("#id_login", login)
    page.fill("#id_password", password)
    page.locator("main button[type=submit]").click()


def sign_up(page, username: str, email: str, password: str) -> None:
    """Through the sign-up page, up to "check your e-mail"."""
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.fill("#id_username", username)
    page.fill("#id_email", email)
    page.fill("#id_password1", password)
    page.fill("#id_password2", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")


def emailed_link(to: str | None = None) -> str:
    """The link in the newest e-mail (to `to`, if given) as a path on the live server: the
    live server runs in this process, so its e-mails land in this process's outbox."""
    messages = [message for message in mail.outbox if to is None or to in message.to]
    link = re.search(r"https?://\S+", messages[-1].body).group(0)
    return re.sub(r"^https?://[^/]+", "", link)


def upload(page, slug: str, path) -> None:
    """Uploads a file and waits until a scored row shows (the first one, not necessarily
    this file's)."""
    page.goto(f"/c/{slug}/submit/")
    page.set_input_files("#id_file", str(path))
    page.get_by_test_id("submit-button").click()
    page.locator("tr[data-status=scored]").first.wait_for()
