"""The OpenAPI schema's error answers, written once: the statuses any operation can answer
are added to every operation here; a view lists only its own refusals (`refused`)."""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from .serializers import ErrorSerializer, InvalidSerializer

INVALID = OpenApiResponse(InvalidSerializer, description=(
    "A field or parameter is missing or invalid: its name, beside `detail` and `code`, "
    "lists its problems."))
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description=(
    "No token, or a token that is not valid (`Authorization: Token <key>`)."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=(
    "No such competition, submission, file or page, or none you may see."))
UNSUPPORTED = OpenApiResponse(ErrorSerializer, description=(
    "The body is not of a media type this operation reads."))
THROTTLED = OpenApiResponse(ErrorSerializer, description=(
    "Too many requests: the API rate limit or, when submitting, the daily limit. The "
    "`Retry-After` header says in how many seconds to try again."))


def refused(*codes: str, why: str = "") -> OpenApiResponse:
    """A refusal of this operation, naming the `code`s it can carry."""
    names = ", ".join(f"`{code}`" for code in codes)
    return OpenApiResponse(ErrorSerializer, description=" ".join(
        part for part in (why, f"`code`: {names}." if codes else "") if part))


JOIN_FIRST = refused("not_joined", why="Join the competition first.")


class InvalidSchema(OpenApiSerializerExtension):
    """The fields of an invalid request sit beside `detail` and `code` (DRF's shape, kept),
    so the schema allows any further name with a list of words."""

    target_class = InvalidSerializer

    def map_serializer(self, auto_schema, direction) -> dict:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "additionalProperties": {"type": "array",
                                                   "items": {"type": "string"}}}


class ApiSchema(AutoSchema):
    """Adds to each operation the errors that any API view can answer, as they apply:
    401 everywhere (a bad token is refused even where none is needed), 429 everywhere
    (every view has a rate limit), 404 where the path names something or a page is chosen,
    400 and 415 where parameters or a body are read."""

    def _get_response_bodies(self, direction="response") -> dict:
        responses = super()._get_response_bodies(direction)
        for status, response in self._common_errors().items():
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(
                    response, str(status), direction=direction)
        return responses

    def _common_errors(self) -> dict[int, OpenApiResponse]:
        errors = {401: UNAUTHENTICATED}
        has_body = self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer()
        has_query = any(getattr(parameter, "location", None) == "query"
                        for parameter in self.get_override_parameters())
        if has_body or has_query:
            errors[400] = INVALID
        paginated = self._is_list_view() and self._get_paginator() is not None
        if "{" in self.path or paginated:
            errors[404] = NOT_FOUND
        if has_body:
            errors[415] = UNSUPPORTED
        errors[429] = THROTTLED  # every API view has a rate limit
        return dict(sorted(errors.items()))
