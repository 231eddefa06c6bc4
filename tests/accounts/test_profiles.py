"""Profiles: made on first need, one per user; names shown as display name or username."""

import pytest
from django.template import Context, Template

from accounts.models import Profile
from accounts.names import display_name
from accounts.profiles import language_of, profile_of, set_language

pytestmark = pytest.mark.django_db


def test_profile_of_creates_one_profile_on_first_need_and_reuses_it(alice):
    first = profile_of(alice)
    again = profile_of(type(alice).objects.get(pk=alice.pk))
    assert first.pk == again.pk
    assert Profile.objects.filter(user=alice).count() == 1


def test_a_user_without_display_name_is_shown_by_username(alice):
    assert display_name(alice) == "alice"
    profile_of(alice)
    assert display_name(alice) == "alice"


def test_a_display_name_replaces_the_username_in_pages(alice):
    profile = profile_of(alice)
    profile.display_name = "山田 アリス"
    profile.save()
    reloaded = type(alice).objects.get(pk=alice.pk)
    rendered = Template("{% load accounts_tags %}{{ user|display_name }}").render(
        Context({"user": reloaded}))
    assert rendered == "山田 アリス"


def test_display_name_of_nobody_is_empty():
    from django.contrib.auth.models import AnonymousUser
    assert display_name(None) == "" and display_name(AnonymousUser()) == ""


def test_language_is_the_sites_until_the_user_chooses_one(alice, settings):
    assert language_of(alice) == settings.LANGUAGE_CODE
    set_language(alice, "ja")
    assert language_of(type(alice).objects.get(pk=alice.pk)) == "ja"
    set_language(alice, "xx")  # unknown: ignored
    assert Profile.objects.get(user=alice).language == "ja"
