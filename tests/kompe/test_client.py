"""The client's handling of rate limits: short waits are waited out, long ones reported."""

import pytest
from rest_framework.authtoken.models import Token

from kompe.client import ApiError, Client


@pytest.fixture
def throttled(monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import ScopedRateThrottle

    cache.clear()
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "read", "2/min")
    yield
    cache.clear()


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
