"""Every error under /api/ is JSON with `detail` (the words, in the reader's language) and
`code` (for programs), whatever raised it: a refusal of the services, DRF, Django's
Http404, or a URL that matches no route."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..policy import Refusal
from ..policy.http import api_exception
from ..services import SubmissionRefused, start_of_utc_day

STATUS_OF_REFUSAL = {
    "not_joined": status.HTTP_403_FORBIDDEN,
    "not_open": status.HTTP_403_FORBIDDEN,
    "not_ready": status.HTTP_409_CONFLICT,
    "daily_limit": status.HTTP_429_TOO_MANY_REQUESTS,
    "total_limit": status.HTTP_403_FORBIDDEN,
    "too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    "empty_file": status.HTTP_400_BAD_REQUEST,
    "finals_closed": status.HTTP_403_FORBIDDEN,
    "finals_full": status.HTTP_409_CONFLICT,
    "not_scored": status.HTTP_409_CONFLICT,
    "not_yours": status.HTTP_404_NOT_FOUND,
}
# The code of every invalid request (a field or parameter); the fields are named beside it.
INVALID = "invalid"


def refusal_response(refusal: SubmissionRefused) -> Response:
    response = Response({"detail": str(refusal), "code": refusal.code},
                        status=STATUS_OF_REFUSAL.get(refusal.code, status.HTTP_400_BAD_REQUEST))
    if refusal.code == "daily_limit":
        # The daily count resets at 00:00 UTC: say when, the standard way.
        reset = start_of_utc_day(timezone.now()) + timedelta(days=1)
        response["Retry-After"] = str(int((reset - timezone.now()).total_seconds()) + 1)
    return response


def exception_handler(exc, context) -> Response | None:
    """DRF's answer, shaped as every API error is: `detail` and `code`. An invalid request
    keeps DRF's {field: [words]} beside them, as the API has always answered."""
    # A policy refusal (policy.http says which status), and Django's own exceptions, as
    # DRF converts them, but here, so that their code is known.
    if isinstance(exc, Refusal):
        exc = api_exception(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc.detail, dict | list):
        errors = _by_field(exc.detail)
        response.data = {**errors, "detail": "; ".join(_line(field, words) for field, words
                                                       in errors.items()),
                         "code": INVALID}
    else:
        response.data = {"detail": str(exc.detail), "code": exc.detail.code or exc.default_code}
    return response


def _by_field(detail: dict | list) -> dict[str, list[str]]:
    if isinstance(detail, list):
        detail = {"non_field_errors": detail}
    return {str(field): [str(words) for words in _flat(problems)]
            for field, problems in detail.items()}


def _flat(problems) -> list:
    if isinstance(problems, dict):
        return [words for nested in problems.values() for words in _flat(nested)]
    if isinstance(problems, list):
        return [words for nested in problems for words in _flat(nested)]
    return [problems]


def _line(field: str, words: list[str]) -> str:
    return " ".join(words) if field == "non_field_errors" else f"{field}: {' '.join(words)}"


@csrf_exempt
def not_found(request, *args, **kwargs) -> JsonResponse:
    """A URL under /api/ that matches no route: JSON like every API error, not the site's
    HTML page, whatever the method."""
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail),
                         "code": exceptions.NotFound.default_code},
                        status=status.HTTP_404_NOT_FOUND)
