"""Teams under concurrent requests on PostgreSQL: accepts, merges and submissions at the same
moment never give a team more members than allowed, more submissions than its limits, or
two rows on a board."""

import threading
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from competitions import services, teams
from competitions.models import MergeRequest, Participation, Standing, Submission, Team
from tests.conftest import perfect_csv, scored, upload

ACCEPTS = 20


def race(actions: list[Callable[[], str]]) -> list[str]:
    """Run the actions in threads released together; their outcomes (a refusal's code)."""
    start = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action) -> None:
        try:
            start.wait()
            outcomes.append(action())
        except (teams.TeamRefused, services.SubmissionRefused) as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_20_simultaneous_accepts_into_a_team_with_one_free_place_give_one_new_member(
        transactional_db, make_competition, alice):
    competition = make_competition(max_team_size=3)
    alice_in = services.join_competition(competition=competition, user=alice)
    bob = get_user_model().objects.create_user("bob")
    teams.invitation_accept(invitation=teams.invitation_create(participation=alice_in,
                                                               username="bob"), user=bob)
    users = [get_user_model().objects.create_user(f"learner{n}") for n in range(ACCEPTS)]
    # Half have joined already (alone, no submissions), half join by accepting.
    for user in users[::2]:
        services.join_competition(competition=competition, user=user)
    invitations = [teams.invitation_create(participation=alice_in, username=user.username)
                   for user in users]

    outcomes = race([lambda i=i, u=u: (teams.invitation_accept(invitation=i, user=u)
                                       and "accepted")
                     for i, u in zip(invitations, users, strict=True)])

    assert sorted(outcomes) == ["accepted"] + ["team_full"] * (ACCEPTS - 1)
    assert Participation.objects.filter(team=alice_in.team).count() == 3
    # Everyone has at most one participation, in one team: the winner moved in if it had
    # joined already, or joined by accepting; the refused newcomers did not join at all.
    winner = Participation.objects.get(team=alice_in.team, user__in=users).user
    had_joined = winner in users[::2]
    assert Participation.objects.filter(competition=competition).count() == (
        2 + ACCEPTS // 2 + (0 if had_joined else 1))
    assert not Participation.objects.filter(
        competition=competition, user__in=[u for u in users[1::2] if u != winner]).exists()


def test_simultaneous_link_joins_never_overfill_a_team(transactional_db, make_competition,
                                                       alice):
    competition = make_competition(max_team_size=2)
    alice_in = services.join_competition(competition=competition, user=alice)
    token = teams.invite_token(alice_in.team)
    users = [get_user_model().objects.create_user(f"linked{n}") for n in range(10)]

    outcomes = race([lambda u=u: (teams.join_by_link(competition=competition, token=token,
                                                     user=u) and "joined") for u in users])

    assert sorted(outcomes) == ["joined"] + ["team_full"] * 9
    assert Participation.objects.filter(team=alice_in.team).count() == 2


def test_a_merge_racing_submissions_stays_within_kaggles_rule_and_the_daily_limit(
        transactional_db, make_competition, alice, scoring_messages):
    # Started two days ago: 5 a day × 3 days = 15 submissions at most for a merged team.
    competition = make_competition(max_team_size=2,
                                   start_at=timezone.now() - timedelta(days=2))
    bob = get_user_model().objects.create_user("bob")
    alice_in = services.join_competition(competition=competition, user=alice)
    bob_in = services.join_competition(competition=competition, user=bob)
    earlier = 60 * 24 * 2 - 5  # minutes: two days ago, before today
    for n in range(8):
        scored(alice_in, 0.5, minutes_ago=earlier - n)
    for n in range(6):
        scored(bob_in, 0.6, minutes_ago=earlier - 10 - n)
    request = teams.merge_request_create(participation=bob_in, team_name="alice")

    def submit(user) -> str:
        services.submission_create(competition=competition, user=user,
                                   file=upload(perfect_csv()))
        return "submitted"

    outcomes = race([lambda: teams.merge_accept(request=request, user=alice) and "merged"]
                    + [lambda u=u: submit(u) for u in [alice, bob] * 6])

    request.refresh_from_db()
    today = services.start_of_utc_day(timezone.now())
    counted = Submission.objects.exclude(status=Submission.Status.FAILED)
    for team in Team.objects.filter(competition=competition):
        assert counted.filter(team=team, created_at__gte=today).count() <= 5
    if "merged" in outcomes:
        assert request.status == MergeRequest.Status.ACCEPTED
        # Submissions are created under the team's lock, the merge under both teams' locks:
        # what was made before the merge is what its rule saw.
        assert counted.filter(created_at__lt=request.answered_at).count() <= 15
        assert Team.objects.filter(competition=competition).count() == 1
        assert set(Participation.objects.values_list("team", flat=True)) == {alice_in.team_id}
    else:
        assert set(outcomes) - {"submitted", "daily_limit"} == {"too_many_submissions"} or \
            set(outcomes) - {"submitted", "daily_limit"} == {"too_many_today"}
    assert outcomes.count("submitted") == counted.filter(created_at__gte=today).count()
    # One row per team on the boards.
    assert Standing.objects.filter(competition=competition).count() == Team.objects.filter(
        competition=competition).count()
