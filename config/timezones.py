"""The reader's time zone, active for each request: times on pages are shown where the
reader is, not where the site is (a learner in New York should not have to convert JST).

The zone comes from the signed-in reader's saved choice (accounts.Profile.time_zone), else
from the `tz` cookie that static/timezone.js sets from the browser, else the site's
TIME_ZONE. A name that is not a known zone is ignored: the cookie is the client's to write.
"""

from functools import cache
from urllib.parse import unquote
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

COOKIE = "tz"
# Longer than any zone name (the longest is about 30 characters): the rest is not looked at.
MAX_NAME_LENGTH = 64


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def valid_zone(name: str | None) -> str | None:
    """The name if it is a known IANA zone, else None."""
    if not name or len(name) > MAX_NAME_LENGTH:
        return None
    name = unquote(name)
    return name if name in known_zones() else None


def saved_zone(user) -> str | None:
    """The signed-in reader's own choice, if they made one."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        # Cached on the user for the rest of the request (accounts.profiles.profile_of).
        return valid_zone(user.profile.time_zone)
    except ObjectDoesNotExist:
        return None


def reader_zone(request: HttpRequest) -> str | None:
    return saved_zone(getattr(request, "user", None)) or valid_zone(request.COOKIES.get(COOKIE))


class ReaderTimeZoneMiddleware:
    """Activates the reader's zone, or the site's when there is none, for the request only:
    the thread's earlier zone comes back after it, so a zone never carries over into the
    next request or into code run outside requests (a streamed body is written after this
    returns, in the site's zone: exports say so in their header)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = reader_zone(request)
        with timezone.override(ZoneInfo(zone) if zone else None):
            return self.get_response(request)
