"""Pages show times in the reader's time zone: their saved choice, else the `tz` cookie their
browser set, else the site's (Asia/Tokyo in the tests). A cookie that names no zone is
ignored, never an error; exports keep the site's zone and name it."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.profiles import profile_of
from competitions import exports, services
from config.timezones import valid_zone

# A known moment: 2027-01-15 00:00 UTC is 09:00 in Tokyo and 19:00 the day before in New York.
END = datetime(2027, 1, 15, 0, 0, tzinfo=UTC)


@pytest.fixture
def ending(make_competition):
    return make_competition(end_at=END)


def _overview(client, competition) -> str:
    return client.get(reverse("competition_overview", args=[competition.slug])).content.decode()


def test_a_new_york_cookie_shows_the_deadline_in_new_york_time(client, ending):
    client.cookies["tz"] = "America/New_York"
    page = _overview(client, ending)
    assert "2027-01-14 19:00 EST" in page
    assert "JST" not in page


def test_a_new_york_cookie_shows_the_daily_reset_in_new_york_time(client, competition, alice,
                                                                  alice_joined):
    client.force_login(alice)
    client.cookies["tz"] = "America/New_York"
    page = client.get(reverse("submission_new", args=[competition.slug])).content.decode()
    # 00:00 UTC is 19:00 in New York in winter, 20:00 in summer.
    assert ("5 submissions left today (resets at 19:00 EST)." in page
            or "5 submissions left today (resets at 20:00 EDT)." in page)


def test_the_daily_limit_refusal_names_the_readers_zone():
    with timezone.override("America/New_York"):
        assert services.reset_time_shown(datetime(2027, 1, 14, 12, tzinfo=UTC)) == "19:00 EST"
    assert services.reset_time_shown(datetime(2027, 1, 14, 12, tzinfo=UTC)) == "09:00 JST"


@pytest.mark.parametrize("cookie", ["Mars/Olympus_Mons", "", "../../etc/passwd",
                                    "America/New_York" * 10, "Asia%2FTokyo\x00", "%ZZ"])
def test_a_cookie_that_names_no_zone_falls_back_to_the_site_zone(client, ending, cookie):
    client.cookies["tz"] = cookie
    response = client.get(reverse("competition_overview", args=[ending.slug]))
    assert response.status_code == 200
    assert "2027-01-15 09:00 JST" in response.content.decode()


def test_without_a_cookie_the_site_zone_is_used(client, ending):
    assert "2027-01-15 09:00 JST" in _overview(client, ending)


def test_the_zone_of_one_request_does_not_stay_for_the_next(client, ending):
    client.cookies["tz"] = "America/New_York"
    _overview(client, ending)
    assert timezone.get_current_timezone_name() == "Asia/Tokyo"
    del client.cookies["tz"]
    assert "2027-01-15 09:00 JST" in _overview(client, ending)


def test_a_saved_choice_wins_over_the_browsers_cookie(client, ending, alice):
    profile = profile_of(alice)
    profile.time_zone = "Europe/London"
    profile.save(update_fields=["time_zone"])
    client.force_login(alice)
    client.cookies["tz"] = "America/New_York"
    assert "2027-01-15 00:00 GMT" in _overview(client, ending)


def test_a_reader_saves_a_zone_on_the_account_page_and_can_go_back_to_the_browsers(
        client, ending, alice):
    client.force_login(alice)
    client.cookies["tz"] = "America/New_York"
    client.post(reverse("account_time_zone"), {"time_zone": "Asia/Kolkata"})
    assert profile_of(alice.__class__.objects.get(pk=alice.pk)).time_zone == "Asia/Kolkata"
    assert "2027-01-15 05:30 IST" in _overview(client, ending)
    assert "Times are shown in Asia/Kolkata." in client.get(reverse("account")).content.decode()
    client.post(reverse("account_time_zone"), {"time_zone": ""})
    assert "2027-01-14 19:00 EST" in _overview(client, ending)


def test_a_zone_the_server_does_not_know_is_not_saved(client, alice):
    client.force_login(alice)
    response = client.post(reverse("account_time_zone"), {"time_zone": "Mars/Olympus_Mons"},
                           follow=True)
    assert profile_of(alice.__class__.objects.get(pk=alice.pk)).time_zone == ""
    assert "Select a valid choice." in response.content.decode()


def test_exports_keep_the_site_zone_and_name_it_whatever_the_readers_zone():
    with timezone.override("America/New_York"):
        assert exports.header(["submitted at ({zone})"]) == ["submitted at (Asia/Tokyo)"]
        assert exports.local_time(END) == "2027-01-15 09:00:00"


def test_only_known_zone_names_are_valid():
    assert valid_zone("America/New_York") == "America/New_York"
    assert valid_zone("America%2FNew_York") == "America/New_York"
    assert valid_zone("UTC") == "UTC"
    assert valid_zone("Mars/Olympus_Mons") is None
    assert valid_zone(None) is None


def test_every_page_loads_the_time_zone_script(client, db):
    page = client.get(reverse("competition_list")).content.decode()
    assert '<script src="/static/timezone.js"></script>' in page
