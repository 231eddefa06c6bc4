"""How a person is named on pages: their display name, else their username."""

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _


def display_name(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    # Reads the profile without creating one: a page listing many users must not write.
    # Lists should select_related("profile") (or "user__profile") to stay one query.
    try:
        profile = user.profile
    except ObjectDoesNotExist:  # no profile yet
        return user.get_username()
    if profile.deleted_at is not None:
        return _("deleted user")
    return profile.display_name or user.get_username()
