"""Notifications name people as the pages do (display name, else username) and give
their time with its zone, as every other time on the site."""

from django.core import mail
from django.urls import reverse

from accounts.profiles import profile_of
from competitions.services import join_competition
from competitions.teams import invitation_create
from discussion import services as discussion
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import Tell, notify
from notifications.tasks import send_email_digest
from tests.notifications.test_events import _with_email


def _named(user, name: str):
    profile = profile_of(user)
    profile.display_name = name
    profile.save()
    return user


def test_a_team_invitation_names_the_inviter_by_display_name(
        make_competition, alice, bob, django_capture_on_commit_callbacks):
    competition = make_competition(slug="pairs", max_team_size=2)
    alice_in = join_competition(competition=competition, user=_named(alice, "山田 花子"))
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(participation=alice_in, username="bob")
    [told] = Notification.objects.all()
    assert told.text().startswith("山田 花子 invited you")


def test_a_reply_names_its_author_by_display_name(
        competition, alice, bob, alice_joined, bob_joined,
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = discussion.thread_create(competition=competition, author=alice,
                                          title="Same fonts?", body="Are they?")
        discussion.reply_create(thread=thread, author=_named(bob, "Bob B."), body="Yes.")
    [told] = Notification.objects.filter(kind=Kind.REPLY)
    assert told.text().startswith("Bob B. replied")


def test_the_list_gives_each_notifications_time_with_its_zone(client, alice):
    notify(kind=Kind.BUILD_DONE, event_key="build:1:done", tells=[Tell(alice, {
        "title": "Bugs"})])
    client.force_login(alice)
    page = client.get(reverse("notification_list")).content.decode()
    assert " JST</span>" in page


def test_the_digest_greets_by_display_name(alice):
    _with_email(_named(alice, "Alice A."))
    notify(kind=Kind.BUILD_DONE, event_key="build:1:done", tells=[Tell(alice, {
        "title": "Bugs"})])
    send_email_digest.apply(args=[alice.pk])
    assert mail.outbox[0].body.startswith("Hello Alice A.,")
