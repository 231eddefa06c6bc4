"""The one way to get a user's profile: made on first need, safe under races."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction

from .models import Profile


def profile_of(user) -> Profile:
    """The user's profile, created (with the site's default language) if missing."""
    try:
        return user.profile  # Django caches it on the user object
    except ObjectDoesNotExist:
        pass
    try:
        # Two requests may both find none: the second one's insert fails on the unique
        # user, and it reads the first one's row.
        with transaction.atomic():
            profile = Profile.objects.create(user=user, language=settings.LANGUAGE_CODE)
    except IntegrityError:
        profile = Profile.objects.get(user=user)
    user.profile = profile
    return profile


def language_of(user) -> str:
    """The language to write to this user in (e-mails): theirs, else the site's."""
    return profile_of(user).language or settings.LANGUAGE_CODE


def set_language(user, language: str) -> None:
    """Remember the user's language (at sign-up, and when they switch)."""
    if language not in dict(settings.LANGUAGES):
        return
    profile = profile_of(user)
    if profile.language != language:
        profile.language = language
        profile.save(update_fields=["language"])
