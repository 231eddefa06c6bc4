"""Teams as on Kaggle: invitations, the invite link, leaving, merges and their rules."""

from datetime import timedelta

import pytest
from django.utils import timezone

from competitions import teams
from competitions.models import Participation, Standing, Submission, Team, TeamInvitation
from competitions.selectors import leaderboard
from competitions.services import join_competition, submission_create
from competitions.signals import team_invitation_created
from tests.conftest import perfect_csv, scored, upload


@pytest.fixture
def course(make_competition):
    """A team competition: teams of up to 3, 5 submissions a day, started yesterday."""
    return make_competition(slug="course", max_team_size=3)


@pytest.fixture
def carol(make_user):
    return make_user("carol")


def join(competition, user) -> Participation:
    return join_competition(competition=competition, user=user)


def invite_and_accept(inviter: Participation, user) -> Participation:
    invitation = teams.invitation_create(participation=inviter, username=user.username)
    return teams.invitation_accept(invitation=invitation, user=user)


def test_an_invited_user_who_accepts_joins_the_competition_and_the_team(course, alice, bob):
    alice_in = join(course, alice)
    bob_in = invite_and_accept(alice_in, bob)
    assert bob_in.team == alice_in.team
    assert [user.username for user in teams.members(alice_in.team)] == ["alice", "bob"]
    assert TeamInvitation.objects.get().status == "accepted"


def test_a_solo_competition_refuses_invitations(competition, alice, bob):
    alice_in = join(competition, alice)
    with pytest.raises(teams.TeamRefused) as refused:
        teams.invitation_create(participation=alice_in, username="bob")
    assert refused.value.code == "solo"


def test_an_invitation_is_announced_after_its_commit(
        course, alice, bob, django_capture_on_commit_callbacks):
    heard = []

    def listener(sender, invitation, **kwargs):
        heard.append(invitation.invitee.username)

    team_invitation_created.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            teams.invitation_create(participation=join(course, alice), username="bob")
        assert heard == []
        for callback in callbacks:
            callback()
        assert heard == ["bob"]
    finally:
        team_invitation_created.disconnect(listener)


def test_an_invitee_alone_without_submissions_moves_and_their_empty_team_goes(
        course, alice, bob):
    alice_in, bob_in = join(course, alice), join(course, bob)
    old_team = bob_in.team_id
    invite_and_accept(alice_in, bob)
    assert not Team.objects.filter(pk=old_team).exists()
    assert Participation.objects.get(user=bob).team_id == alice_in.team_id


def test_an_invitee_whose_team_has_submissions_is_told_to_merge(course, alice, bob):
    alice_in, bob_in = join(course, alice), join(course, bob)
    scored(bob_in, 0.5)
    with pytest.raises(teams.TeamRefused) as refused:
        invite_and_accept(alice_in, bob)
    assert refused.value.code == "has_submissions"


def test_a_full_team_takes_nobody_more(make_competition, alice, bob, carol):
    small = make_competition(slug="pairs", max_team_size=2)
    alice_in = join(small, alice)
    invitation = teams.invitation_create(participation=alice_in, username="carol")
    invite_and_accept(alice_in, bob)
    with pytest.raises(teams.TeamRefused) as refused:
        teams.invitation_accept(invitation=invitation, user=carol)
    assert str(refused.value) == "The team has 2 of at most 2 members: there is no room."


def test_a_deleted_member_frees_their_place_in_the_team(make_competition, alice, bob, carol):
    from accounts.deletion import delete_account

    small = make_competition(slug="pairs", max_team_size=2)
    alice_in = join(small, alice)
    invite_and_accept(alice_in, bob)
    delete_account(user=bob)
    assert invite_and_accept(alice_in, carol).team_id == alice_in.team_id


def test_the_invite_link_lets_a_signed_in_user_join_and_a_new_link_ends_the_old(
        course, alice, bob, carol):
    alice_in = join(course, alice)
    token = teams.invite_token(alice_in.team)
    assert teams.join_by_link(competition=course, token=token, user=bob).team == alice_in.team
    teams.replace_invite_token(participation=alice_in)
    from competitions.policy import Hidden
    with pytest.raises(Hidden):
        teams.join_by_link(competition=course, token=token, user=carol)


def test_a_member_without_submissions_may_leave_for_a_team_of_one(course, alice, bob):
    alice_in = join(course, alice)
    bob_in = invite_and_accept(alice_in, bob)
    scored(alice_in, 0.5)
    left = teams.team_leave(participation=bob_in)
    assert left.team != alice_in.team and left.team.name == "bob"
    assert [user.username for user in teams.members(alice_in.team)] == ["alice"]


def test_a_member_who_submitted_cannot_leave_and_nobody_leaves_a_team_of_one(
        course, alice, bob, carol):
    alice_in = join(course, alice)
    invite_and_accept(alice_in, bob)
    scored(alice_in, 0.5)
    with pytest.raises(teams.TeamRefused) as refused:
        teams.team_leave(participation=Participation.objects.get(user=alice))
    assert refused.value.code == "submitted"
    solo = join(course, carol)
    with pytest.raises(teams.TeamRefused) as alone:
        teams.team_leave(participation=solo)
    assert alone.value.code == "alone"


def test_every_member_submits_and_the_daily_limit_counts_for_the_team(
        make_competition, alice, bob):
    course = make_competition(slug="limits", max_team_size=2, daily_submission_limit=2)
    alice_in = join(course, alice)
    invite_and_accept(alice_in, bob)
    submission_create(competition=course, user=alice, file=upload(perfect_csv()))
    submission_create(competition=course, user=bob, file=upload(perfect_csv()))
    from competitions.services import SubmissionRefused
    with pytest.raises(SubmissionRefused) as refused:
        submission_create(competition=course, user=bob, file=upload(perfect_csv()))
    assert refused.value.code == "daily_limit"
    assert set(Submission.objects.values_list("team", flat=True)) == {alice_in.team_id}


def test_a_team_is_one_row_on_both_boards_with_its_members_names(course, alice, bob):
    alice_in = join(course, alice)
    bob_in = invite_and_accept(alice_in, bob)
    teams.team_rename(participation=alice_in, name="チーム動物")
    scored(alice_in, 0.5, 0.4)
    scored(bob_in, 0.75, 0.3)
    for board in ("public", "private"):
        rows = leaderboard(course, board).rows
        assert [(row.team_name, row.members) for row in rows] == [
            ("チーム動物", ("alice", "bob"))], board


def test_a_merge_within_kaggles_rule_keeps_both_histories_and_the_best_standing(
        course, alice, bob, carol):
    alice_in, bob_in = join(course, alice), join(course, bob)
    alice_best = scored(alice_in, 0.9, 0.1, minutes_ago=30)
    scored(bob_in, 0.5, 0.8, minutes_ago=20)
    request = teams.merge_request_create(participation=bob_in, team_name="alice")
    merged = teams.merge_accept(request=request, user=alice)
    assert merged == alice_in.team
    assert Submission.objects.filter(team=merged).count() == 2
    assert [user.username for user in teams.members(merged)] == ["alice", "bob"]
    assert Standing.objects.count() == 1
    standing = Standing.objects.get()
    assert (standing.public_score, standing.public_submission) == (0.9, alice_best)
    assert standing.entries == 2


def test_a_merge_over_kaggles_rule_is_refused_with_the_numbers(course, alice, bob):
    alice_in, bob_in = join(course, alice), join(course, bob)
    # Started yesterday: 5 a day × 2 days = 10 at most; together they have 11.
    for minutes in range(6):
        scored(alice_in, 0.5, minutes_ago=60 * 24 + minutes)
    for minutes in range(5):
        scored(bob_in, 0.5, minutes_ago=minutes)
    with pytest.raises(teams.TeamRefused) as refused:
        teams.merge_request_create(participation=bob_in, team_name="alice")
    assert str(refused.value) == (
        "Together the teams have used 11 submissions; a merged team may have used at most "
        "10 (5 a day × 2 days since the start).")
    assert Team.objects.filter(competition=course).count() == 2


def test_a_merge_checks_the_rule_again_when_accepted(course, alice, bob):
    alice_in, bob_in = join(course, alice), join(course, bob)
    request = teams.merge_request_create(participation=bob_in, team_name="alice")
    for minutes in range(6):
        scored(alice_in, 0.5, minutes_ago=minutes)
    with pytest.raises(teams.TeamRefused) as refused:
        teams.merge_accept(request=request, user=alice)
    assert refused.value.code == "too_many_today"


def test_after_the_merger_deadline_merges_and_invitations_are_refused(
        make_competition, alice, bob, carol):
    course = make_competition(slug="late", max_team_size=3,
                              team_merger_deadline=timezone.now() - timedelta(minutes=1))
    alice_in, bob_in = join(course, alice), join(course, bob)
    for attempt in (lambda: teams.merge_request_create(participation=bob_in, team_name="alice"),
                    lambda: teams.invitation_create(participation=alice_in, username="carol")):
        with pytest.raises(teams.TeamRefused) as refused:
            attempt()
        assert refused.value.code == "teams_closed"


def test_a_merge_keeps_the_finals_within_the_limit(course, alice, bob):
    from competitions.finals import final_mark

    alice_in, bob_in = join(course, alice), join(course, bob)
    marked = [scored(alice_in, 0.5, minutes_ago=30), scored(alice_in, 0.6, minutes_ago=20),
              scored(bob_in, 0.7, minutes_ago=10)]
    for submission, user in zip(marked, (alice, alice, bob), strict=True):
        final_mark(submission=submission, user=user, final=True)
    teams.merge_accept(request=teams.merge_request_create(participation=bob_in,
                                                          team_name="alice"), user=alice)
    finals = Submission.objects.filter(is_final=True).order_by("created_at")
    assert list(finals) == marked[:2]


def test_a_merge_that_would_exceed_the_team_size_is_refused(make_competition, alice, bob,
                                                            carol):
    course = make_competition(slug="pairs", max_team_size=2)
    alice_in = join(course, alice)
    invite_and_accept(alice_in, bob)
    carol_in = join(course, carol)
    with pytest.raises(teams.TeamRefused) as refused:
        teams.merge_request_create(participation=carol_in, team_name="alice")
    assert str(refused.value) == ("Together the teams would have 3 members; this competition "
                                  "allows at most 2.")


def test_rename_refuses_another_teams_name(course, alice, bob):
    alice_in = join(course, alice)
    join(course, bob)
    with pytest.raises(teams.TeamRefused) as refused:
        teams.team_rename(participation=alice_in, name="bob")
    assert refused.value.code == "name_taken"


def test_a_merge_request_of_a_team_that_moved_into_another_waits_no_more(course, alice, bob,
                                                                         carol):
    alice_in, bob_in = join(course, alice), join(course, bob)
    request = teams.merge_request_create(participation=bob_in, team_name="alice")
    carol_in = join(course, carol)
    invite_and_accept(carol_in, bob)  # bob's empty team of one goes
    request.refresh_from_db()
    assert (request.status, request.from_team, request.from_team_name) == (
        "withdrawn", None, "bob")
    assert not teams.pending_merges(alice_in.team)["received"].exists()


def test_inviting_a_superuser_answers_as_for_anyone_and_only_accepting_is_refused(
        course, alice, make_user):
    # Whether an account is a superuser is not for participants to find out by inviting
    # it: the invitation is made as for anyone; the superuser cannot accept it.
    root = make_user("root", is_staff=True, is_superuser=True)
    invitation = teams.invitation_create(participation=join(course, alice), username="root")
    assert invitation.invitee == root
    with pytest.raises(teams.TeamRefused) as refused:
        teams.invitation_accept(invitation=invitation, user=root)
    assert refused.value.code == "organizer"
    assert not Participation.objects.filter(competition=course, user=root).exists()
