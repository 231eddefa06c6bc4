"""The bell, the list (mark read, mark all read), the settings, the unsubscribe link, and
the API: each user's own notifications only."""

import html

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from notifications.emails import unsubscribe_token
from notifications.kinds import Kind
from notifications.models import EmailPreference, Notification


@pytest.fixture
def told(alice, bob, competition):
    def make(user, key, **extra):
        return Notification.objects.create(
            recipient=user, kind=Kind.BUILD_DONE, event_key=key,
            params={"title": f"{user.username}-only-title"}, link="/host/", **extra)
    return {"alice": [make(alice, "a1"), make(alice, "a2")], "bob": [make(bob, "b1")]}


def _bell(client) -> str:
    page = client.get(reverse("competition_list")).content.decode()
    return page.split('data-testid="bell-count">', 1)[1].split("<", 1)[0]


def test_the_bell_counts_unread_and_the_list_marks_them_read(client, alice, told):
    client.force_login(alice)
    assert _bell(client) == "2"
    page = client.get(reverse("notification_list")).content.decode()
    assert "alice-only-title" in page and "bob-only-title" not in page
    first = told["alice"][0]
    response = client.post(reverse("notification_read", args=[first.pk]), {"follow": "1"})
    assert response.status_code == 302 and response["Location"] == "/host/"
    assert _bell(client) == "1"
    client.post(reverse("notification_read_all"))
    assert _bell(client) == "0"
    assert Notification.objects.filter(recipient__username="bob", read_at__isnull=True
                                       ).count() == 1


def test_nobody_marks_or_follows_another_users_notification(client, alice, told):
    client.force_login(alice)
    bobs = told["bob"][0]
    assert client.post(reverse("notification_read", args=[bobs.pk])).status_code == 404
    assert client.post(f"/api/v1/notifications/{bobs.pk}/read/").status_code == 404
    bobs.refresh_from_db()
    assert bobs.read_at is None


def test_the_list_page_speaks_japanese(client, alice, told):
    client.force_login(alice)
    page = client.get(reverse("notification_list"), HTTP_ACCEPT_LANGUAGE="ja")
    assert "通知" in page.content.decode()


def test_opening_the_unsubscribe_link_only_asks_and_its_button_unsubscribes(client, alice):
    url = reverse("notification_unsubscribe",
                  args=[unsubscribe_token(alice, Kind.ANNOUNCEMENT)])
    page = client.get(url)
    assert page.status_code == 200
    assert str(Kind.ANNOUNCEMENT.label) in html.unescape(page.content.decode())
    assert not EmailPreference.objects.exists()
    assert client.post(url).status_code == 200
    assert EmailPreference.objects.get(user=alice).kind == Kind.ANNOUNCEMENT
    assert not EmailPreference.objects.get(user=alice).email


def test_a_mail_clients_one_click_post_unsubscribes_without_a_csrf_token(alice):
    from django.test import Client

    url = reverse("notification_unsubscribe", args=[unsubscribe_token(alice, Kind.REPLY)])
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    preference = EmailPreference.objects.get(user=alice)
    assert (preference.kind, preference.email) == (Kind.REPLY, False)


def test_the_unsubscribe_confirm_page_speaks_japanese(client, alice):
    url = reverse("notification_unsubscribe",
                  args=[unsubscribe_token(alice, Kind.ANNOUNCEMENT)])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "配信を停止" in page


def test_a_forged_unsubscribe_link_says_it_does_not_work_and_changes_nothing(client, db):
    forged = reverse("notification_unsubscribe", args=["e30:forged:signature"])
    assert client.get(forged).status_code == 404
    response = client.post(forged, "List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 404
    assert not EmailPreference.objects.exists()


def test_the_settings_page_saves_each_kinds_choice(client, alice):
    from notifications.services import email_wanted

    client.force_login(alice)
    assert client.get(reverse("notification_settings")).status_code == 200
    client.post(reverse("notification_settings"), {Kind.REPLY.value: "on"})
    assert email_wanted(alice, Kind.REPLY) and not email_wanted(alice, Kind.ANNOUNCEMENT)


def test_the_api_lists_ones_own_and_marks_them_read(client, alice, told):
    headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=alice).key}"}
    listed = client.get("/api/v1/notifications/", **headers).json()
    assert listed["count"] == 2
    assert {row["text"] for row in listed["results"]} == {
        "Your competition “alice-only-title” is built and ready."}
    assert listed["results"][0]["link"] == "http://localhost:8000/host/"
    first = listed["results"][0]["id"]
    marked = client.post(f"/api/v1/notifications/{first}/read/", **headers)
    assert marked.status_code == 200 and marked.json()["read"] is True
    assert client.get("/api/v1/notifications/?unread=true", **headers).json()["count"] == 1
    assert client.post("/api/v1/notifications/read/", **headers).json() == {"marked": 1}
    assert client.get("/api/v1/notifications/?unread=true", **headers).json()["count"] == 0
    assert client.get("/api/v1/notifications/?unread=maybe", **headers).status_code == 400
    assert client.get("/api/v1/notifications/").status_code == 401


def test_the_bell_and_the_list_forget_a_competition_the_reader_can_no_longer_see(
        client, alice, competition):
    Notification.objects.create(
        recipient=alice, kind=Kind.ANNOUNCEMENT, event_key="hidden-later",
        competition=competition, params={"title": "withdrawn-competition-title"},
        link="/c/animals/")
    client.force_login(alice)
    assert _bell(client) == "1"
    competition.is_published = False  # withdrawn by its organizers
    competition.save(update_fields=["is_published"])
    assert _bell(client) == "0"
    assert "withdrawn-competition-title" not in client.get(
        reverse("notification_list")).content.decode()
    assert client.get("/api/v1/notifications/", **{
        "HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=alice)[0].key}"}
    ).json()["count"] == 0


@pytest.mark.parametrize("language, label", [("en", "Notifications: 2 unread"),
                                             ("ja", "通知（未読 2 件）")])
def test_the_bell_is_an_icon_with_a_translated_label_and_the_count(
        client, alice, told, language, label):
    client.force_login(alice)
    page = client.get(reverse("competition_list"), HTTP_ACCEPT_LANGUAGE=language
                      ).content.decode()
    bell = page.split('data-testid="bell"', 1)[1].split("</a>", 1)[0]
    assert f'aria-label="{label}"' in bell
    assert "<svg" in bell and 'aria-hidden="true"' in bell
    assert "🔔" not in page
    assert _bell(client) == "2"
