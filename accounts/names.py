"""How a person is named on pages: their display name, else their username."""

from django.core.exceptions import ObjectDoesNotExist


def display_name(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    # Reads the profile without creating one: a page listing many users must not write.
    # Lists should select_related("profile") (or "user__profile") to stay one query.
    try:
        name = user.profile.display_name
    except ObjectDoesNotExist:  # no profile yet
        name = ""
    return name or user.get_username()
