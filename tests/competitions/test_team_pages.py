"""The Team tab and what teams change on the other pages: one row on the boards with the
members' names, and team-mates' submissions, insight and reports shared within the team."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from competitions import teams
from competitions.models import Competition, Participation
from competitions.services import join_competition
from tests.conftest import scored
from tests.factories import change_competition


@pytest.fixture
def course(make_competition):
    return make_competition(slug="course", max_team_size=2)


@pytest.fixture
def pair(course, alice, bob):
    """alice and bob in one team, alice's scored submission in it."""
    alice_in = join_competition(competition=course, user=alice)
    teams.invitation_accept(invitation=teams.invitation_create(
        participation=alice_in, username="bob"), user=bob)
    return alice_in, scored(alice_in, 0.75, 0.5)


def test_an_invitee_accepts_on_the_team_tab_by_accepting_the_rules(client, course, alice,
                                                                   bob):
    join_competition(competition=course, user=alice)
    client.force_login(alice)
    client.post(reverse("team_invite", args=["course"]), {"username": "bob"})
    client.force_login(bob)
    page = client.get(reverse("team", args=["course"])).content.decode()
    assert "“alice”, invited by alice" in page
    invitation = teams.pending_invitations_received(course, bob).get()
    url = reverse("team_invitation_accept", args=["course", invitation.pk])
    refused = client.post(url, follow=True).content.decode()
    assert "Accept the rules to join." in refused
    assert not Participation.objects.filter(user=bob).exists()
    joined = client.post(url, {"accept_rules": "on"}, follow=True).content.decode()
    assert "You joined the team “alice”." in joined
    assert Participation.objects.get(user=bob).team.name == "alice"


def test_the_team_tab_shows_members_the_link_and_the_rules_in_japanese(client, pair, alice):
    client.force_login(alice)
    page = client.get(reverse("team", args=["course"]), HTTP_ACCEPT_LANGUAGE="ja")
    text = page.content.decode()
    assert "チーム「alice」" in text and "<li>bob</li>" in text
    assert "/c/course/team/join/" in text
    assert "このチームで提出した" not in text  # a refusal only, not a rule
    assert "チームで提出したメンバーはチームを抜けられません。" in text


def test_the_invite_link_page_joins_a_signed_in_user_who_accepts_the_rules(
        client, course, alice, mallory):
    alice_in = join_competition(competition=course, user=alice)
    url = reverse("team_join", args=["course", teams.invite_token(alice_in.team)])
    client.force_login(mallory)
    assert "Join the team “alice”" in client.get(url).content.decode()
    client.post(url, {"accept_rules": "on"})
    assert Participation.objects.get(user=mallory).team == alice_in.team


def test_a_refused_merge_says_the_numbers_on_the_page(client, course, alice, bob):
    alice_in = join_competition(competition=course, user=alice)
    bob_in = join_competition(competition=course, user=bob)
    for minutes in range(6):
        scored(alice_in, 0.5, minutes_ago=60 * 24 + minutes)
    for minutes in range(5):
        scored(bob_in, 0.5, minutes_ago=minutes)
    client.force_login(bob)
    page = client.post(reverse("team_merge", args=["course"]), {"team_name": "alice"},
                       follow=True, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "二つのチームの提出は合わせて 11 回です。統合できるのは 10 回" in page


def test_the_leaderboard_page_shows_the_team_once_with_both_names(client, pair, bob):
    alice_in, _ = pair
    scored(Participation.objects.get(user=bob), 0.5)
    page = client.get(reverse("leaderboard", args=["course"])).content.decode()
    assert page.count('class="team-name"') == 1
    assert "(alice, bob)" in page


def test_team_mates_see_each_others_submissions_insight_and_report(client, pair, bob,
                                                                   mallory):
    _, submission = pair
    client.force_login(bob)
    listed = client.get(reverse("submission_list", args=["course"])).content.decode()
    assert f'data-testid="submission-{submission.pk}"' in listed
    assert "submitted-by" in listed
    assert client.get(reverse("submission_insight",
                              args=["course", submission.pk])).status_code == 200
    # (The file itself: the persona walk, test_personas.py, with a real upload.)
    report = client.get(reverse("report", args=["course"]))
    assert report.status_code == 200 and "0.75" in report.content.decode()
    # Someone of another team sees none of it.
    join_competition(competition=pair[0].competition, user=mallory)
    client.force_login(mallory)
    assert client.get(reverse("submission_insight",
                              args=["course", submission.pk])).status_code == 404
    assert f'submission-{submission.pk}"' not in client.get(
        reverse("submission_list", args=["course"])).content.decode()


def test_the_organizer_sets_team_size_and_merger_deadline_in_the_admin(client, olivia,
                                                                       competition):
    deadline = timezone.localtime() + timedelta(days=3)
    response = change_competition(client, olivia, competition, max_team_size=4,
                                  team_merger_deadline_0=deadline.strftime("%Y-%m-%d"),
                                  team_merger_deadline_1="12:00:00")
    assert response.status_code == 302
    competition = Competition.objects.get(pk=competition.pk)
    assert competition.max_team_size == 4
    assert competition.team_merger_deadline.date() == deadline.date()
    assert competition.accepts_team_changes()


def test_the_organizer_reads_invitations_and_merge_requests_in_the_admin(
        client, make_user, course, alice, bob):
    from competitions import policy

    olivia = make_user("olivia-teacher", is_staff=True)
    policy.make_organizer(olivia, course)
    alice_in = join_competition(competition=course, user=alice)
    invitation = teams.invitation_create(participation=alice_in, username="bob")
    client.force_login(olivia)
    listed = client.get(reverse("admin:competitions_teaminvitation_changelist"))
    assert listed.status_code == 200 and "bob" in listed.content.decode()
    shown = client.get(reverse("admin:competitions_teaminvitation_change",
                               args=[invitation.pk]))
    assert shown.status_code == 200
    assert client.get(reverse("admin:competitions_mergerequest_changelist")).status_code == 200


def test_leaving_the_team_on_the_tab_asks_for_a_ticked_confirmation(client, pair, bob):
    client.force_login(bob)
    page = client.get(reverse("team", args=["course"])).content.decode()
    form = page.split('data-testid="leave-form"', 1)[1].split("</form>", 1)[0]
    assert 'type="checkbox" name="confirm"' in form and "required" in form
    assert "Only a member who has not submitted in this team may leave" in page
    url = reverse("team_leave", args=["course"])
    refused = client.post(url, follow=True).content.decode()
    assert "Tick the box to confirm that you leave the team." in refused
    assert Participation.objects.get(user=bob).team.name == "alice"
    left = client.post(url, {"confirm": "on"}, follow=True).content.decode()
    assert "You left the team. You are now a team of one." in left
    assert Participation.objects.get(user=bob).team.name != "alice"
