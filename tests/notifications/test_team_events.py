"""A team invitation (the teams branch's signal) tells the invitee, once.

Passed on a trial merge of the teams branch (03:15 UTC); until teams is merged the module
is absent and this file is skipped (the lead's merge makes it run)."""

import pytest

from competitions.services import join_competition
from notifications.kinds import Kind
from notifications.models import Notification

invitation_create = pytest.importorskip(
    "competitions.teams", reason="needs the teams branch").invitation_create


def test_a_team_invitation_tells_the_invitee(
        make_competition, alice, bob, django_capture_on_commit_callbacks):
    competition = make_competition(slug="pairs", max_team_size=2)
    alice_in = join_competition(competition=competition, user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(participation=alice_in, username="bob")
    [told] = Notification.objects.all()
    assert (told.recipient, told.kind) == (bob, Kind.TEAM_INVITATION)
    assert told.text() == "alice invited you to the team “alice” in Animals 動物."
    assert told.link == "/c/pairs/team/"


def test_accepting_a_team_invitation_marks_its_notification_read(
        make_competition, alice, bob, django_capture_on_commit_callbacks):
    from competitions.teams import invitation_accept

    competition = make_competition(slug="pairs", max_team_size=2)
    alice_in = join_competition(competition=competition, user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(participation=alice_in, username="bob")
    assert Notification.objects.filter(recipient=bob).unread().count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(invitation=invitation, user=bob)
    assert Notification.objects.filter(recipient=bob).unread().count() == 0


def test_joining_by_the_teams_link_answers_its_waiting_invitation_and_reads_its_notification(
        make_competition, alice, bob, django_capture_on_commit_callbacks):
    from competitions.models import TeamInvitation
    from competitions.teams import invite_token, join_by_link

    competition = make_competition(slug="pairs", max_team_size=2)
    alice_in = join_competition(competition=competition, user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(participation=alice_in, username="bob")
    with django_capture_on_commit_callbacks(execute=True):
        join_by_link(competition=competition, token=invite_token(alice_in.team), user=bob)
    invitation.refresh_from_db()
    assert invitation.status == TeamInvitation.Status.ACCEPTED
    assert Notification.objects.filter(recipient=bob).unread().count() == 0


def test_declining_a_team_invitation_marks_only_that_notification_read(
        make_competition, alice, bob, django_capture_on_commit_callbacks):
    from competitions.teams import invitation_decline

    first = make_competition(slug="pairs", max_team_size=2)
    second = make_competition(slug="trios", max_team_size=3)
    with django_capture_on_commit_callbacks(execute=True):
        declined = invitation_create(
            participation=join_competition(competition=first, user=alice), username="bob")
        invitation_create(
            participation=join_competition(competition=second, user=alice), username="bob")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_decline(invitation=declined, user=bob)
    [unread] = Notification.objects.filter(recipient=bob).unread()
    assert unread.competition == second


def test_a_withdrawn_invitation_leaves_the_invitees_notification_as_it_was(
        make_competition, alice, bob, django_capture_on_commit_callbacks):
    from competitions.teams import invitation_decline

    competition = make_competition(slug="pairs", max_team_size=2)
    alice_in = join_competition(competition=competition, user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(participation=alice_in, username="bob")
        invitation_decline(invitation=invitation, user=alice)
    assert Notification.objects.filter(recipient=bob).unread().count() == 1
