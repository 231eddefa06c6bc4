import posixpath
from functools import partial
from urllib.parse import urljoin, urlsplit

import markdown as markdown_lib
import nh3
from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from .. import policy

register = template.Library()


@register.filter
def organized_by(competition, user) -> bool:
    """`{% if competition|organized_by:user %}`: the policy's answer, in templates."""
    return policy.organizes(user, competition)


@register.filter
def hosted_by(competition, user) -> bool:
    return policy.hosts(user, competition)


@register.filter
def may_use_admin(user) -> bool:
    return policy.may_use_admin(user)

# What organizers may use in overview and evaluation texts; nh3 drops everything else
# (scripts, event handlers, javascript: links, styles).
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"},
                      "td": {"align"}, "th": {"align"}}


@register.filter
def markdown(text: str, slug: str = "") -> str:
    """Organizer's Markdown as safe HTML. Images load only from the competition's own
    pages (`/c/<slug>/…`, or a path relative to its overview): a remote image would tell
    another host every participant's address and when they read the page."""
    html = markdown_lib.markdown(text or "", extensions=["tables", "fenced_code"])
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                               url_schemes={"http", "https", "mailto"},
                               attribute_filter=partial(_own_images_only, slug)))


def _own_images_only(slug: str, tag: str, attribute: str, value: str) -> str | None:
    if tag != "img" or attribute != "src":
        return value
    if not slug:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    home = f"/c/{slug}/"
    path = posixpath.normpath(urljoin(home, parts.path))
    return value if path.startswith(home) else None


@register.filter
def score(value: float | None) -> str:
    return "—" if value is None else f"{value:.5f}"


@register.filter
def when(value) -> str:
    """A moment as "2026-11-28 09:14 JST": the same in every language, in the reader's
    zone (config.timezones) and naming it."""
    if value is None:
        return "—"
    return date_format(localtime(value), "Y-m-d H:i T")


@register.filter
def shake_up(places: int | None):
    """The change from public to private rank: ▲ places gained, ▼ places lost."""
    if places is None:
        return "—"
    if places == 0:
        return "="
    arrow, css = ("▲", "up") if places > 0 else ("▼", "down")
    return format_html('<span class="{}">{}{}</span>', css, arrow, abs(places))
