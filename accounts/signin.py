"""How sign-in and sign-up fit the lockout and the username rules that came before allauth."""

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.http import HttpRequest

from competitions.usernames import validate_username_scripts

# Django's own rule (letters, digits and @.+-_) and no look-alike alphabets.
USERNAME_VALIDATORS = [UnicodeUsernameValidator(), validate_username_scripts]


def username_for_lockout(request: HttpRequest, credentials: dict | None = None) -> str:
    """The account a sign-in attempt is counted against (AXES_USERNAME_CALLABLE).

    allauth's form has one "login" field for a username or an e-mail address, and passes
    `username=` or `email=` on to the backends; the admin posts `username`. Counting an
    e-mail address as its account's username keeps one lockout per account, whichever
    way it is named."""
    credentials = credentials or {}
    data = getattr(request, "POST", {}) if request is not None else {}
    typed = (credentials.get("username") or credentials.get("email")
             or data.get("login") or data.get("username") or "").strip()
    if "@" in typed:
        user = get_user_model().objects.filter(emailaddress__email__iexact=typed).first() \
            or get_user_model().objects.filter(email__iexact=typed).first()
        if user is not None:
            return user.get_username()
    return typed
