"""Sign-in and sign-up are limited per account and per address, and the reader is told, in
their language, when to try again; the right password works again after that time."""

import re
import time
from datetime import timedelta

import pytest
from django.urls import reverse


def sign_in(client, username: str, password: str, language: str = "en",
            page: str = "account_login"):
    # The site's form (allauth) names its field "login" (a username or an e-mail address);
    # the admin's form "username".
    field = "username" if page == "admin:login" else "login"
    return client.post(reverse(page), {field: username, "password": password},
                       HTTP_ACCEPT_LANGUAGE=language)


def test_25_wrong_passwords_lock_the_account_and_the_right_one_works_after_the_stated_time(
        client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 10
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)
    answers = [sign_in(client, "alice", f"guess-{n}", language="ja") for n in range(25)]
    assert [answer.status_code for answer in answers[:9]] == [200] * 9
    assert {answer.status_code for answer in answers[9:]} == {429}
    page = answers[-1].content.decode()
    assert "このアカウントでパスワードの誤りが続いたため、ログインを一時停止しています。" in page
    assert "以降（1 分後）にもう一度お試しください。" in page
    assert int(answers[-1]["Retry-After"]) <= 2
    # Locked: even the right password is refused until the time stated.
    assert sign_in(client, "alice", "alice-password-1").status_code == 429
    time.sleep(2.5)
    assert sign_in(client, "alice", "alice-password-1").status_code == 302


def test_a_locked_account_is_told_in_english_to_an_english_reader(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        sign_in(client, "alice", f"guess-{n}")
    page = sign_in(client, "alice", "guess-4").content.decode()
    assert "Too many wrong passwords for this account: signing in to it is paused." in page
    assert "Try again after" in page
    # With its zone, as every other time on the site ("14:40:36 JST").
    assert re.search(r"Try again after \d\d:\d\d:\d\d JST", page)


def test_the_admin_sign_in_counts_against_the_same_account(client, olivia, settings):
    settings.AXES_FAILURE_LIMIT = 3
    statuses = [sign_in(client, "olivia", f"guess-{n}", page="admin:login").status_code
                for n in range(4)]
    assert statuses[-1] == 429
    assert sign_in(client, "olivia", "olivia-password-1").status_code == 429


def test_another_account_is_not_locked_by_guesses_at_alice(client, alice, bob, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(5):
        sign_in(client, "alice", f"guess-{n}")
    assert sign_in(client, "bob", "bob-password-1").status_code == 302


def test_sign_ins_from_one_address_are_rate_limited(client, alice, settings):
    settings.SIGN_IN_RATE_PER_ADDRESS = "3/min"
    statuses = [sign_in(client, f"someone-{n}", "x").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_sign_ups_from_one_address_are_rate_limited_with_a_message(client, db, settings):
    settings.SIGN_UP_RATE_PER_ADDRESS = "2/hour"
    statuses = []
    for n in range(3):
        answer = client.post(reverse("account_signup"), {
            "username": f"learner{n}", "email": f"learner{n}@example.com",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9"}, HTTP_ACCEPT_LANGUAGE="en")
        statuses.append(answer.status_code)
        client.logout()
    assert statuses == [302, 302, 429]
    assert "Too many new accounts from your network." in answer.content.decode()


@pytest.mark.django_db
def test_limits_are_counted_in_a_cache_every_web_worker_shares(settings):
    from django.core.cache import cache

    if settings.CELERY_BROKER_URL.startswith("redis://"):
        # Redis configured: the counts live there, not in this process.
        assert settings.CACHES["default"]["BACKEND"] == "config.cache.FailOpenRedisCache"
        import redis

        cache.set("shared-probe", 7, timeout=30)
        key = cache.make_key("shared-probe")
        assert redis.Redis.from_url(settings.CACHES["default"]["LOCATION"]).exists(key)
    else:
        assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


@pytest.fixture
def cache_down(settings):
    """The shared cache's Redis unreachable (nothing listens on the port)."""
    from axes.handlers.proxy import AxesProxyHandler

    settings.CACHES = {"default": {
        # The project's backend (settings.CACHES), whatever this run's cache is.
        "BACKEND": "config.cache.FailOpenRedisCache", "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2}}}
    AxesProxyHandler.implementation = None  # axes keeps the cache it was made with
    yield
    AxesProxyHandler.implementation = None


def test_with_the_cache_down_sign_in_still_answers_and_limits_fail_open(
        client, alice, cache_down):
    assert sign_in(client, "alice", "wrong").status_code == 200
    assert sign_in(client, "alice", "alice-password-1").status_code == 302
    assert client.get("/api/v1/competitions/").status_code == 200
