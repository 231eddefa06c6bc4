"""The rate limit on posting (threads and replies), per user, counted in the shared cache
so that it holds across web workers: the pages and the API share one count (the API's
scope "discussion", DRF's arithmetic)."""

import math

from django.utils.translation import gettext as _
from rest_framework.throttling import UserRateThrottle

SCOPE = "discussion"


class PostingThrottle(UserRateThrottle):
    scope = SCOPE


def posting_refusal(request) -> str | None:
    """None if this user may post now; else the words saying when they may again."""
    throttle = PostingThrottle()
    if throttle.allow_request(request, None):
        return None
    seconds = math.ceil(throttle.wait() or 1)
    return _("You are posting too often: try again in %(seconds)s s.") % {"seconds": seconds}
