"""A learner signs up with an e-mail address, opens the link from the e-mail, signs in;
later resets a forgotten password through the e-mailed link (a real Chromium)."""

import re

import pytest
from django.core import mail

from tests.browser.conftest import emailed_link, screenshot, sign_in, sign_up

pytestmark = pytest.mark.browser
PASSWORD = "a-long-pass-phrase-9"
NEW_PASSWORD = "another-long-phrase-7"


def test_a_learner_signs_up_verifies_signs_in_and_resets_a_forgotten_password(
        page, live_server, db):
    mail.outbox.clear()
    sign_up(page, "はなこ", "hanako@example.com", PASSWORD)
    assert "hanako@example.com" in mail.outbox[-1].to
    screenshot(page, "accounts-verification-sent")

    # Not verified yet: the password alone leads back to "check your e-mail".
    sign_in(page, "はなこ", PASSWORD)
    page.wait_for_url("**/accounts/confirm-email/")

    page.goto(emailed_link("hanako@example.com"))
    page.locator("main button[type=submit]").click()
    sign_in(page, "hanako@example.com", PASSWORD)
    page.get_by_test_id("account-link").wait_for()
    assert page.get_by_test_id("account-link").inner_text() == "はなこ"

    # Forgotten: sign out, ask for a reset link, set a new password through it.
    page.locator("header button", has_text="Log out").click()
    page.goto("/accounts/login/")
    page.get_by_role("link", name=re.compile("Forgot")).click()
    page.fill("#id_email", "hanako@example.com")
    mail.outbox.clear()
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/accounts/password/reset/done/")
    page.goto(emailed_link("hanako@example.com"))
    # "Cancel" looks secondary, and its hidden sign-out form draws no empty card.
    assert "secondary" in page.get_by_role("button", name="Cancel").get_attribute("class")
    assert not page.locator("#logout-from-stage").is_visible()
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    page.wait_for_url("**/accounts/password/reset/key/done/")
    screenshot(page, "accounts-password-reset-done")
    page.get_by_test_id("sign-in-after-reset").click()  # the way on from there
    page.wait_for_url("**/accounts/login/")

    sign_in(page, "はなこ", PASSWORD)  # the old password no longer works
    assert page.url.endswith("/accounts/login/")
    sign_in(page, "はなこ", NEW_PASSWORD)
    page.get_by_test_id("account-link").wait_for()
    assert page.get_by_test_id("account-link").inner_text() == "はなこ"
