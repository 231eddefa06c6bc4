"""Where e-mails go (the demo: files that rundemo names; production: SMTP from the
environment), and allauth's pages in the site's layout under the CSP."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
ALLAUTH_TEMPLATES = Path(__import__("allauth").__file__).parent / "templates"

DEMO_PROBE = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from django.conf import settings
from django.core.mail import send_mail
from accounts.mail import where_mail_goes
send_mail("Probe", "Open http://example.com/probe", None, ["learner@example.com"])
print(where_mail_goes())
"""


def run_settings(code: str, **env) -> subprocess.CompletedProcess:
    keep = {key: value for key, value in os.environ.items()
            if not key.startswith("EMAIL_") and key not in {"DEBUG", "SECRET_KEY",
                                                            "DATABASE_URL", "MAIL_DIR"}}
    return subprocess.run([sys.executable, "-c", code], env={**keep, **env}, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_the_demo_writes_emails_to_files_in_the_folder_rundemo_names(tmp_path):
    # `make demo` runs with DEBUG=1 and nothing else about e-mail.
    result = run_settings(DEMO_PROBE, DEBUG="1", KOMPE_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    said = result.stdout.strip().splitlines()[-1]
    folder = tmp_path / "mail"
    assert str(folder) in said
    written = list(folder.iterdir())
    assert len(written) == 1 and "http://example.com/probe" in written[0].read_text()


def test_production_sends_by_smtp_with_the_settings_from_the_environment():
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
            "django.setup(); from django.conf import settings as s; "
            "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
            "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, sep='|')")
    result = run_settings(code, SECRET_KEY="x" * 20 + "a-real-looking-secret-key-0123456789",
                          EMAIL_HOST="smtp.example.org", EMAIL_PORT="2525",
                          EMAIL_HOST_USER="kompe", EMAIL_HOST_PASSWORD="pw",
                          EMAIL_USE_TLS="1", DEFAULT_FROM_EMAIL="Kompe <k@example.org>")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split("|") == [
        "django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", "2525", "kompe",
        "pw", "True", "Kompe <k@example.org>"]


def test_tests_read_emails_from_djangos_outbox():
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"


# Pages our settings never render: no phone numbers; with ACCOUNT_CHANGE_EMAIL the
# address page is email_change.html (ours), not email.html.
NOT_RENDERED = {"account/phone_change.html", "account/email.html"}


def overridden(path: Path) -> bool:
    relative = path.relative_to(ALLAUTH_TEMPLATES)
    return str(relative) in NOT_RENDERED or (ROOT / "templates" / relative).exists()


def test_allauth_templates_we_render_hold_no_inline_script_or_style():
    """The account pages' templates (ours, or allauth's where we did not override one)."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", re.I)
    found = [str(path.relative_to(ALLAUTH_TEMPLATES))
             for folder in ("account", "allauth")
             for path in (ALLAUTH_TEMPLATES / folder).rglob("*.html")
             if not overridden(path) and inline.search(path.read_text(encoding="utf-8"))]
    assert found == []


@pytest.mark.parametrize("language, words", [("ja", "パスワード"), ("en", "Password")])
def test_account_pages_use_the_sites_layout_in_both_languages(client, alice, language, words):
    client.force_login(alice)
    for name in ("account_email", "account_change_password", "account_delete", "account"):
        page = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert 'class="topbar"' in page and "kompe.css" in page, name
    page = client.get(reverse("account_change_password"),
                      HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert words in page
