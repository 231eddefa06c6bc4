"""Notifications name people as pages do: by the display name they chose (Japanese ones
included), never by the username they hid behind it; in the bell, the e-mail and the
webhooks' payloads alike."""

import json

import pytest
from django.core import mail

from competitions.services import join_competition
from discussion import services as discussion
from notifications.kinds import Kind
from notifications.models import Notification, Webhook
from notifications.tasks import send_email_digest, tell_reveal
from tests.conftest import perfect_csv, scored_upload


def _named(user, name: str):
    from accounts.profiles import profile_of

    profile = profile_of(user)
    profile.display_name = name
    profile.save(update_fields=["display_name"])
    return user


def test_a_reply_names_its_author_by_their_display_name(
        competition, alice, bob, alice_joined, bob_joined,
        django_capture_on_commit_callbacks):
    _named(bob, "山田 太郎")
    with django_capture_on_commit_callbacks(execute=True):
        thread = discussion.thread_create(competition=competition, author=alice,
                                          title="Same fonts?", body="Are they?")
        discussion.reply_create(thread=thread, author=bob, body="Yes.")
    [told] = Notification.objects.filter(kind=Kind.REPLY)
    assert told.text() == "山田 太郎 replied in your thread “Same fonts?” in Animals 動物."


def test_an_invitation_names_the_inviter_and_their_team_by_display_name(
        make_competition, alice, bob, django_capture_on_commit_callbacks):
    from competitions.teams import invitation_create

    _named(alice, "佐藤 花子")
    competition = make_competition(slug="pairs", max_team_size=2)
    alice_in = join_competition(competition=competition, user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(participation=alice_in, username="bob")
    [told] = Notification.objects.filter(recipient=bob)
    assert told.text() == "佐藤 花子 invited you to the team “佐藤 花子” in Animals 動物."
    assert "alice" not in json.dumps(told.params)


def test_a_team_with_a_chosen_name_keeps_it_in_the_invitation(
        make_competition, alice, bob, django_capture_on_commit_callbacks):
    from competitions.models import Team
    from competitions.teams import invitation_create

    _named(alice, "佐藤 花子")
    competition = make_competition(slug="pairs", max_team_size=2)
    alice_in = join_competition(competition=competition, user=alice)
    Team.objects.filter(pk=alice_in.team_id).update(name="チーム桜")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(participation=alice_in, username="bob")
    assert Notification.objects.get(recipient=bob).text() == (
        "佐藤 花子 invited you to the team “チーム桜” in Animals 動物.")


def test_the_e_mail_greets_the_reader_by_their_display_name(ended, alice, bob):
    _named(bob, "山田 太郎")
    tell_reveal.apply(args=[ended.pk])
    send_email_digest.apply(args=[bob.pk])
    [message] = mail.outbox
    assert "山田 太郎 さん" in message.body
    assert "bob" not in message.body.replace("bob@example.com", "")


def test_a_reader_without_a_display_name_is_greeted_by_username(ended, alice):
    tell_reveal.apply(args=[ended.pk])
    send_email_digest.apply(args=[alice.pk])
    assert mail.outbox[0].body.startswith("Hello alice,")


@pytest.mark.parametrize("event", ["score", "reveal"])
def test_webhook_payloads_name_teams_of_one_by_display_name(
        event, ended, competition, alice, alice_joined, bob, receiver, run_deliveries,
        django_capture_on_commit_callbacks):
    _named(alice, "佐藤 花子")
    if event == "score":
        Webhook.objects.create(competition=competition, url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            scored_upload(competition, alice, perfect_csv())
        teams = [json.loads(receiver.requests[0]["body"])["team"]]
    else:
        Webhook.objects.create(competition=ended, url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            tell_reveal.apply(args=[ended.pk])
        teams = [row["team"] for row in json.loads(receiver.requests[0]["body"])["leaderboard"]]
    assert teams == (["佐藤 花子"] if event == "score" else ["佐藤 花子", "bob"])
    assert not any("alice" in request["body"].decode() for request in receiver.requests)
