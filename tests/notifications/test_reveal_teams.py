"""The reveal told to teams: every member hears their own team's private rank, nobody
hears another team's, nothing is told while the board is hidden, and an organizer hiding
and showing the board again tells nothing more. Reached the way the site reaches it: a
saved competition (the admin's action) and the periodic check; only the broker is
replaced (tasks run here)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from competitions.models import Competition
from competitions.services import join_competition
from notifications.kinds import Kind
from notifications.models import EmailPreference, Notification
from notifications.tasks import check_reveals, tell_reveal
from tests.conftest import scored


@pytest.fixture
def run_reveals(monkeypatch):
    from notifications import tasks

    monkeypatch.setattr(tasks.tell_reveal, "delay",
                        lambda pk: tell_reveal.apply(args=[pk]))


@pytest.fixture
def pairs(make_competition, alice, bob, make_user):
    """Team alice + carol: second on the public board, first on the private one; bob alone
    the reverse. The competition has just ended with its private board hidden."""
    from competitions.teams import invitation_accept, invitation_create

    carol = make_user("carol")
    competition = make_competition(slug="pairs", max_team_size=2,
                                   start_at=timezone.now() - timedelta(days=5),
                                   private_leaderboard="hidden")
    alice_in = join_competition(competition=competition, user=alice)
    invitation_accept(invitation=invitation_create(participation=alice_in, username="carol"),
                      user=carol)
    scored(alice_in, 0.25, 0.875, minutes_ago=200)
    scored(join_competition(competition=competition, user=bob), 0.5, 0.375, minutes_ago=190)
    Competition.objects.filter(pk=competition.pk).update(
        end_at=timezone.now() - timedelta(hours=1))
    competition.refresh_from_db()
    return competition, carol


def _show(competition, choice: str, capture) -> None:
    """What the admin's show / hide actions do: save the competition's board choice."""
    competition.private_leaderboard = choice
    with capture(execute=True):
        competition.save(update_fields=["private_leaderboard"])


def test_nothing_is_told_while_the_private_board_is_hidden(
        pairs, run_reveals, django_capture_on_commit_callbacks):
    competition, _ = pairs
    _show(competition, "hidden", django_capture_on_commit_callbacks)
    assert check_reveals.apply().get() == 0
    assert tell_reveal.apply(args=[competition.pk]).get() == 0
    assert not Notification.objects.exists()


def test_each_member_is_told_their_own_teams_private_rank_only(
        pairs, alice, bob, run_reveals, django_capture_on_commit_callbacks):
    competition, carol = pairs
    _show(competition, "shown", django_capture_on_commit_callbacks)
    told = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert set(told) == {"alice", "carol", "bob"}
    assert {n.kind for n in told.values()} == {Kind.PRIVATE_REVEALED}
    for member in ("alice", "carol"):
        assert told[member].params == {"rank": 1, "count": 2, "change": 1}
        assert told[member].text() == (
            "The private leaderboard of Animals 動物 is out: you are 1 of 2 (up 1 place "
            "from the public leaderboard).")
    assert told["bob"].params == {"rank": 2, "count": 2, "change": -1}
    # Ranks and counts only: no private score of anyone, nor another team's rank.
    assert all(set(n.params) == {"rank", "count", "change"} for n in told.values())


def test_hiding_and_showing_the_board_again_tells_nobody_twice(
        pairs, run_reveals, django_capture_on_commit_callbacks):
    competition, _ = pairs
    _show(competition, "shown", django_capture_on_commit_callbacks)
    _show(competition, "hidden", django_capture_on_commit_callbacks)
    _show(competition, "shown", django_capture_on_commit_callbacks)
    check_reveals.apply()
    tell_reveal.apply(args=[competition.pk])
    assert Notification.objects.count() == 3
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == [
        "alice", "bob", "carol"]


def test_the_end_of_the_competition_is_found_by_the_periodic_check(
        pairs, run_reveals):
    competition, _ = pairs
    Competition.objects.filter(pk=competition.pk).update(private_leaderboard="auto")
    assert check_reveals.apply().get() == 1
    assert check_reveals.apply().get() == 0
    assert Notification.objects.count() == 3


def test_a_member_who_turned_the_reveal_e_mail_off_is_told_in_the_bell_only(
        pairs, bob, run_reveals, django_capture_on_commit_callbacks):
    competition, carol = pairs
    for user in (carol, bob):
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    EmailPreference.objects.create(user=carol, kind=Kind.PRIVATE_REVEALED, email=False)
    _show(competition, "shown", django_capture_on_commit_callbacks)
    wanted = dict(Notification.objects.values_list("recipient__username", "email_wanted"))
    assert wanted == {"alice": False, "bob": True, "carol": False}  # alice: no address
