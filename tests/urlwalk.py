"""Every route of the site, filled with candidate values: the security walks' map."""

import itertools
import re

from django.urls import URLPattern, URLResolver, get_resolver


def all_url_patterns(resolver=None, prefix=""):
    """Every route of the site as a regex-ish string, admin included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from all_url_patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def fill(route: str, values: dict[str, list[str]]) -> list[str]:
    """All URLs made by putting candidate values into a route's parameters."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", route)
    names = [a or b for a, b in names]
    choices = [values.get(name, values["*"]) for name in names]
    placeholder = re.compile(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)")
    return ["/" + _substitute(placeholder, route, combination)
            for combination in itertools.product(*choices)]


def every_url(values: dict[str, list[str]]) -> list[str]:
    return [url for route in all_url_patterns() for url in fill(route, values)]


def _substitute(placeholder: re.Pattern, route: str, values: tuple[str, ...]) -> str:
    parts = iter(values)
    return placeholder.sub(lambda _: next(parts), route)


def response_text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")
