"""The account page's API token: the first one is simply created; a new one replaces the
old, and says so."""

from django.urls import reverse
from rest_framework.authtoken.models import Token


def create(client):
    return client.post(reverse("account_token"), {"action": "create"}, follow=True,
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_first_token_is_created_without_claiming_an_earlier_one_was_invalidated(
        client, alice):
    client.force_login(alice)
    page = create(client)
    assert "Your API token was created." in page
    assert "earlier one" not in page
    assert Token.objects.filter(user=alice).count() == 1


def test_a_new_token_says_the_earlier_one_no_longer_works(client, alice):
    client.force_login(alice)
    create(client)
    first = Token.objects.get(user=alice).key
    page = create(client)
    assert "A new API token was created; the earlier one no longer works." in page
    assert Token.objects.get(user=alice).key != first
