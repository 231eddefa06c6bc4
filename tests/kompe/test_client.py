"""The client's handling of rate limits: short waits are waited out, long ones reported."""

import pytest
from rest_framework.authtoken.models import Token

from kompe.client import ApiError, Client


@pytest.fixture
def throttled(monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    from tests.conftest import clear_cache

    clear_cache()
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "read", "2/min")
    yield
    clear_cache()


def test_rate_limited_reads_wait_as_told_then_give_up_with_the_reason(
        live_server, competition, alice, throttled):
    waits = []
    client = Client(live_server.url, Token.objects.create(user=alice).key, sleep=waits.append)
    client.competition("animals")
    client.competition("animals")
    with pytest.raises(ApiError) as caught:
        client.competition("animals")
    assert caught.value.status == 429
    assert len(waits) == 3 and all(0 < wait <= 60 for wait in waits)
    assert "throttled" in str(caught.value) and "retry after" in str(caught.value)


def test_daily_limit_is_reported_not_waited_for(live_server, make_competition, alice):
    from competitions.services import join_competition
    from tests.conftest import perfect_csv

    competition = make_competition(daily_submission_limit=1)
    join_competition(competition=competition, user=alice)
    waits = []
    client = Client(live_server.url, Token.objects.create(user=alice).key, sleep=waits.append)
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "p.csv"
    path.write_bytes(perfect_csv())
    client.submit(competition.slug, path)
    with pytest.raises(ApiError) as caught:
        client.submit(competition.slug, path)
    assert (caught.value.status, caught.value.code, waits) == (429, "daily_limit", [])
    assert "You have used all 1 submissions for today" in str(caught.value)


def test_links_from_the_server_are_followed_on_the_configured_origin():
    client = Client("https://kompe.example", token="secret")
    assert client._on_our_server("/api/v1/competitions/") == (
        "https://kompe.example/api/v1/competitions/")
    # A proxy that turned the link into http://, or another host: the token stays home.
    assert client._on_our_server("http://kompe.example/api/v1/competitions/?page=2") == (
        "https://kompe.example/api/v1/competitions/?page=2")
    assert client._on_our_server("https://evil.example/api/v1/x") == (
        "https://kompe.example/api/v1/x")
