"""Refusals as JSON with the same words the pages use, and the HTTP status they mean."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException
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


def refusal_response(refusal: SubmissionRefused) -> Response:
    response = Response({"detail": str(refusal), "code": refusal.code},
                        status=STATUS_OF_REFUSAL.get(refusal.code, status.HTTP_400_BAD_REQUEST))
    if refusal.code == "daily_limit":
        # The daily count resets at 00:00 UTC: say when, the standard way.
        reset = start_of_utc_day(timezone.now()) + timedelta(days=1)
        response["Retry-After"] = str(int((reset - timezone.now()).total_seconds()) + 1)
    return response


def exception_handler(exc, context) -> Response | None:
    """DRF's answer, with the error's code beside its detail (as refusals have it), so that
    programs can tell "not_joined" from "not_revealed" without reading the words."""
    if isinstance(exc, Refusal):
        exc = api_exception(exc)
    response = drf_exception_handler(exc, context)
    if (response is not None and isinstance(exc, APIException)
            and isinstance(response.data, dict) and isinstance(exc.detail, str)):
        response.data["code"] = exc.get_codes()
    return response
