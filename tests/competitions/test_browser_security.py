"""What the browser is told: a Content-Security-Policy without inline script or style on
every page, HSTS and the HTTPS redirect when switched on, no remote images in an
organizer's Markdown, and no look-alike usernames."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", ROOT / "competitions" / "templates",
                 ROOT / "discussion" / "templates"]


def policy(answer) -> dict[str, list[str]]:
    header = answer["Content-Security-Policy"]
    return {name: values for name, *values in
            (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.parametrize("page", ["competition_list", "account_login", "account_signup",
                                  "account_reset_password", "api:docs", "admin:login"])
def test_pages_send_a_policy_that_allows_no_inline_script_or_style(client, db, page):
    answer = client.get(reverse(page))
    assert answer.status_code == 200
    rules = policy(answer)
    assert rules["script-src"] == ["'self'"] and rules["style-src"] == ["'self'"]
    assert rules["object-src"] == ["'none'"] and rules["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in answer["Content-Security-Policy"]


def test_competition_pages_send_the_policy_too(client, competition, alice, alice_joined):
    client.force_login(alice)
    for name in ("competition_overview", "submission_new", "leaderboard", "report"):
        answer = client.get(reverse(name, args=[competition.slug]))
        assert answer.status_code == 200, name
        assert "unsafe-inline" not in answer["Content-Security-Policy"]


def test_templates_hold_no_inline_script_style_or_event_handler():
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", re.I)
    found = [f"{path.relative_to(ROOT)}: {match.group(0)}"
             for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")
             for match in inline.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_hsts_and_the_https_redirect_follow_the_settings(client, db, settings):
    from django.test import Client

    assert "Strict-Transport-Security" not in client.get(reverse("account_login"), secure=True)
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # SecurityMiddleware reads its settings when it is made
    answer = client.get(reverse("account_login"))
    assert answer.status_code == 301 and answer["Location"].startswith("https://")
    secure = client.get(reverse("account_login"), secure=True)
    # Subdomains too by default (SECURE_HSTS_INCLUDE_SUBDOMAINS), as `check --deploy` asks.
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_markdown_loads_images_only_from_the_competitions_own_pages(client, make_competition):
    competition = make_competition(slug="pics", overview=(
        "![tracker](https://tracker.example/pixel.png) "
        "![protocol-relative](//tracker.example/p.png) "
        "![own](/c/pics/gallery/1.png) ![relative](gallery/2.png) "
        "![other](/c/other/gallery/3.png) ![escape](../other/gallery/4.png) "
        "![data](data:image/png;base64,AAAA)"))
    page = client.get(reverse("competition_overview", args=[competition.slug])).content.decode()
    sources = re.findall(r'<img[^>]*\bsrc="([^"]*)"', page)
    assert sources == ["/c/pics/gallery/1.png", "gallery/2.png"]
    assert "tracker.example" not in page


@pytest.mark.parametrize("username", ["раrticipant", "tarо", "раура", "Ωmega"])
def test_sign_up_refuses_usernames_of_look_alike_letters(client, db, username):
    answer = client.post(reverse("account_signup"), {"username": username,
                                                     "email": "someone@example.com",
                                                     "password1": "a-long-pass-phrase-9",
                                                     "password2": "a-long-pass-phrase-9"})
    assert answer.status_code == 200
    assert answer.context["form"].errors["username"]
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username=username).exists()


@pytest.mark.parametrize("username", ["participant", "山田たろう", "taro山田", "Иван"])
def test_sign_up_accepts_names_in_one_alphabet_and_japanese_with_latin(client, db, username):
    answer = client.post(reverse("account_signup"), {"username": username,
                                                     "email": "someone@example.com",
                                                     "password1": "a-long-pass-phrase-9",
                                                     "password2": "a-long-pass-phrase-9"})
    assert answer.status_code == 302, answer.context["form"].errors
