"""A community competition's overview names its host as every page names people."""

from django.urls import reverse

from accounts.deletion import delete_account
from accounts.profiles import profile_of


def test_the_overview_names_the_host_by_display_name_and_a_deleted_one_as_such(
        client, make_competition, alice):
    hosted = make_competition(slug="dangomushi", host=alice)
    profile = profile_of(alice)
    profile.display_name = "Alice A."
    profile.save()
    url = reverse("competition_overview", args=[hosted.slug])
    assert "<dd>Alice A.</dd>" in client.get(url).content.decode()
    delete_account(user=alice)
    assert "<dd>deleted user</dd>" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
