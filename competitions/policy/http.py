"""The one place where policy answers become HTTP answers, for pages and API alike.

- Hidden: 404, saying nothing more.
- SignInRequired: pages send the reader to the sign-in page; the API answers 401/403
  (DRF's own NotAuthenticated, with its authenticate header).
- NotJoined: pages send the reader to the competition's overview (rules and the join
  button) with the reason; the API answers 403 with code "not_joined".
- OrganizersOnly, NotRevealed: 403 with their code.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404
from django.shortcuts import redirect
from rest_framework import exceptions as api

from .errors import Hidden, NotJoined, Refusal, SignInRequired


def api_exception(refusal: Refusal) -> api.APIException:
    """The DRF exception that answers a refusal under /api/."""
    if isinstance(refusal, Hidden):
        return api.NotFound(refusal.message, code=refusal.code)
    if isinstance(refusal, SignInRequired):
        return api.NotAuthenticated(refusal.message, code=refusal.code)
    return api.PermissionDenied(refusal.message, code=refusal.code)


def page_response(request, refusal: Refusal):
    """The page's answer to a refusal."""
    if isinstance(refusal, SignInRequired):
        return redirect_to_login(request.get_full_path())
    if isinstance(refusal, NotJoined) and refusal.competition is not None:
        messages.info(request, refusal.message)
        return redirect("competition_overview", slug=refusal.competition.slug)
    exception = (Http404() if isinstance(refusal, Hidden)
                 else PermissionDenied(str(refusal.message)))
    return response_for_exception(request, exception)


class RefusalMiddleware:
    """Turns a refusal raised anywhere in a page view into the page's answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Refusal):
            return page_response(request, exception)
        return None
