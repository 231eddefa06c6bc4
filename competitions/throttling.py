"""Limits on signing in and signing up, and the page that says when to try again; the
limit on sending team invitations.

Two counts, both kept in the shared cache (settings.CACHES) so that they hold across web
workers and hosts:
- per account: django-axes counts wrong passwords (site and admin sign-in alike) and
  refuses the account's sign-in for LOGIN_LOCKOUT_SECONDS after LOGIN_FAILURE_LIMIT;
- per client address: posts to the sign-in pages and to sign-up are rate-limited
  (SignInRateLimitMiddleware, DRF's throttle arithmetic).
Team invitations are counted per user, the Team tab and the API in one count (DRF's
scope "invite", settings' TEAM_INVITE_RATE).
"""

import logging
import math
from datetime import datetime, timedelta

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_client_username, get_cool_off
from axes.signals import user_locked_out
from django.conf import settings
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)
LOCKED_UNTIL_KEY = "sign-in-locked-until:{username}"
# url names whose posts count against the address's sign-in or sign-up budget
LIMITED_PAGES = {"account_login": "sign_in", "admin:login": "sign_in",
                 "account_signup": "sign_up"}
# The API's scope for new team invitations (api/teams.py), whose budget the page shares.
INVITE_SCOPE = "invite"


def client_ip(request: HttpRequest) -> str:
    """The client's address: behind our TLS proxy, the one it appended to X-Forwarded-For
    (the right-most; earlier entries are the client's to forge), else the peer's."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


class LockoutHandler(AxesCacheHandler):
    """axes' cache handler (AXES_HANDLER), except that while the cache is unreachable a
    wrong password is answered as wrong, uncounted, instead of with a server error:
    django-redis lets most commands fail quietly, but not every one axes uses."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        try:
            super().user_login_failed(sender, credentials, request, **kwargs)
        except RedisError:
            logger.warning("The cache is unreachable: a failed sign-in was not counted")


@receiver(user_locked_out)
def remember_when_the_lockout_ends(sender, request, username, **kwargs) -> None:
    # add, not set: attempts during the lockout must not move the time already stated.
    cool_off = get_cool_off(request)
    if username and cool_off:
        cache.add(LOCKED_UNTIL_KEY.format(username=username),
                  (timezone.now() + cool_off).timestamp(),
                  timeout=math.ceil(cool_off.total_seconds()))


def lockout_response(request: HttpRequest, original_response=None, credentials=None
                     ) -> HttpResponse:
    """Axes' answer to a locked account (AXES_LOCKOUT_CALLABLE)."""
    # The same name axes counted the attempt against (a username typed as an e-mail
    # address is its account's username: accounts.signin).
    username = get_client_username(request, credentials) or ""
    stamp = cache.get(LOCKED_UNTIL_KEY.format(username=username))
    until = (datetime.fromtimestamp(stamp, tz=timezone.get_current_timezone()) if stamp
             else timezone.now() + (get_cool_off(request) or timedelta(0)))
    return _try_again_page(request, _(
        "Too many wrong passwords for this account: signing in to it is paused."), until)


class _AddressThrottle(SimpleRateThrottle):
    def __init__(self, scope: str):
        self.scope = scope
        self.rate = {"sign_in": settings.SIGN_IN_RATE_PER_ADDRESS,
                     "sign_up": settings.SIGN_UP_RATE_PER_ADDRESS}[scope]
        super().__init__()

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class SignInRateLimitMiddleware:
    """Posts to the sign-in pages and to sign-up, counted per client address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        scope = self._scope(request)
        if scope:
            throttle = _AddressThrottle(scope)
            if not throttle.allow_request(request, None):
                until = timezone.now() + timedelta(seconds=math.ceil(throttle.wait() or 1))
                message = (_("Too many sign-in attempts from your network.")
                           if scope == "sign_in" else
                           _("Too many new accounts from your network."))
                return _try_again_page(request, message, until)
        return self.get_response(request)

    @staticmethod
    def _scope(request: HttpRequest) -> str | None:
        if request.method != "POST":
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return LIMITED_PAGES.get(match.view_name)


def _try_again_page(request: HttpRequest, message: str, until: datetime) -> HttpResponse:
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    minutes = math.ceil(seconds / 60)
    wait = ngettext("Try again after %(time)s (in %(count)d minute).",
                    "Try again after %(time)s (in %(count)d minutes).", minutes) % {
        "time": timezone.localtime(until).strftime("%H:%M:%S %Z"), "count": minutes}
    response = render(request, "registration/try_again.html",
                      {"message": message, "wait": wait}, status=429)
    response["Retry-After"] = str(seconds)
    return response


class InvitationThrottle(UserRateThrottle):
    """New team invitations per user: each notifies its invitee, and a refusal says whether
    a username exists. The same cache key as the API's scope, so one budget for both."""

    scope = INVITE_SCOPE


def invitation_refusal(request: HttpRequest) -> str | None:
    """None if this user may send an invitation now; else the words saying when."""
    throttle = InvitationThrottle()
    if throttle.allow_request(request, None):
        return None
    return _("You are sending invitations too often: try again in %(seconds)s s.") % {
        "seconds": math.ceil(throttle.wait() or 1)}
