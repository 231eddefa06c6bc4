"""The team endpoints: a team formed, renamed, merged and left through the API."""

import pytest
from rest_framework import status

from competitions.models import Submission
from competitions.services import join_competition
from tests.conftest import scored


@pytest.fixture
def course(make_competition):
    return make_competition(slug="course", max_team_size=2)


@pytest.fixture
def token_client(token_client):
    """One client (one token) per user."""
    clients = {}

    def client_of(user):
        if user.pk not in clients:
            clients[user.pk] = token_client(user)
        return clients[user.pk]
    return client_of


def test_two_learners_form_a_team_by_invitation_through_the_api(token_client, course, alice,
                                                                 bob):
    join_competition(competition=course, user=alice)
    as_alice, as_bob = token_client(alice), token_client(bob)
    invited = as_alice.post("/api/v1/competitions/course/team/invitations/",
                            {"username": "bob"}, format="json")
    assert invited.status_code == status.HTTP_201_CREATED
    received = as_bob.get("/api/v1/competitions/course/team/invitations/").data["received"]
    assert [(item["team"], item["invited_by"]) for item in received] == [("alice", "alice")]
    accepted = as_bob.post(
        f"/api/v1/competitions/course/team/invitations/{received[0]['id']}/accept/")
    assert accepted.status_code == status.HTTP_200_OK
    assert [member["username"] for member in accepted.data["members"]] == ["alice", "bob"]
    renamed = as_bob.patch("/api/v1/competitions/course/team/", {"name": "ねこチーム"},
                           format="json")
    assert renamed.data["name"] == "ねこチーム"
    assert as_alice.get("/api/v1/competitions/course/team/").data["name"] == "ねこチーム"


def test_a_full_team_refuses_with_a_conflict_and_the_numbers(token_client, course, alice, bob,
                                                             mallory):
    join_competition(competition=course, user=alice)
    as_alice = token_client(alice)
    first = as_alice.post("/api/v1/competitions/course/team/invitations/",
                          {"username": "bob"}, format="json").data
    second = as_alice.post("/api/v1/competitions/course/team/invitations/",
                           {"username": "mallory"}, format="json").data
    token_client(bob).post(f"/api/v1/competitions/course/team/invitations/{first['id']}/accept/")
    refused = token_client(mallory).post(
        f"/api/v1/competitions/course/team/invitations/{second['id']}/accept/")
    assert refused.status_code == status.HTTP_409_CONFLICT
    assert refused.data == {"detail": "The team has 2 of at most 2 members: there is no room.",
                            "code": "team_full"}


def test_nobody_else_sees_or_answers_an_invitation(token_client, course, alice, bob, mallory):
    join_competition(competition=course, user=alice)
    invitation = token_client(alice).post("/api/v1/competitions/course/team/invitations/",
                                          {"username": "bob"}, format="json").data
    answer = token_client(mallory).post(
        f"/api/v1/competitions/course/team/invitations/{invitation['id']}/accept/")
    assert answer.status_code == status.HTTP_404_NOT_FOUND
    assert token_client(mallory).get(
        "/api/v1/competitions/course/team/invitations/").data == {"received": [], "sent": []}


def test_a_merge_through_the_api_and_one_over_the_rule_refused(token_client, course, alice,
                                                                bob):
    alice_in = join_competition(competition=course, user=alice)
    bob_in = join_competition(competition=course, user=bob)
    scored(alice_in, 0.5)
    scored(bob_in, 0.7)
    asked = token_client(bob).post("/api/v1/competitions/course/team/merges/",
                                   {"team_name": "alice"}, format="json")
    assert asked.status_code == status.HTTP_201_CREATED
    pending = token_client(alice).get("/api/v1/competitions/course/team/merges/").data
    assert [item["from_team"] for item in pending["received"]] == ["bob"]
    merged = token_client(alice).post(
        f"/api/v1/competitions/course/team/merges/{asked.data['id']}/accept/")
    assert merged.status_code == status.HTTP_200_OK
    assert [member["username"] for member in merged.data["members"]] == ["alice", "bob"]
    assert Submission.objects.filter(team=alice_in.team).count() == 2


def test_leaving_after_submitting_is_refused(token_client, course, alice, bob):
    alice_in = join_competition(competition=course, user=alice)
    invitation = token_client(alice).post("/api/v1/competitions/course/team/invitations/",
                                          {"username": "bob"}, format="json").data
    token_client(bob).post(
        f"/api/v1/competitions/course/team/invitations/{invitation['id']}/accept/")
    scored(alice_in, 0.5)
    refused = token_client(alice).post("/api/v1/competitions/course/team/leave/")
    assert (refused.status_code, refused.data["code"]) == (409, "submitted")
    left = token_client(bob).post("/api/v1/competitions/course/team/leave/")
    assert left.status_code == 200 and left.data["name"] == "bob"


def test_the_leaderboard_lists_each_teams_members(token_client, api, course, alice, bob):
    alice_in = join_competition(competition=course, user=alice)
    invitation = token_client(alice).post("/api/v1/competitions/course/team/invitations/",
                                          {"username": "bob"}, format="json").data
    token_client(bob).post(
        f"/api/v1/competitions/course/team/invitations/{invitation['id']}/accept/")
    scored(alice_in, 0.5)
    rows = api.get("/api/v1/competitions/course/leaderboard/").data["rows"]
    assert [(row["participant"], row["members"]) for row in rows] == [("alice", ["alice",
                                                                                 "bob"])]


def test_inviting_has_its_own_rate_shared_by_the_team_tab_and_the_api(
        client, token_client, course, alice, bob, mallory, make_user, monkeypatch):
    from django.urls import reverse
    from rest_framework.throttling import ScopedRateThrottle

    from competitions.models import TeamInvitation

    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "invite", "2/min")
    carol = make_user("carol")
    join_competition(competition=course, user=alice)
    client.force_login(alice)
    invite_page = reverse("team_invite", args=["course"])
    assert "bob is invited." in client.post(invite_page, {"username": "bob"},
                                            follow=True).content.decode()
    as_alice = token_client(alice)
    url = "/api/v1/competitions/course/team/invitations/"
    assert as_alice.post(url, {"username": "mallory"}, format="json").status_code == 201
    refused = as_alice.post(url, {"username": "carol"}, format="json")
    assert refused.status_code == status.HTTP_429_TOO_MANY_REQUESTS
    assert refused.data["code"] == "throttled" and int(refused["Retry-After"]) > 0
    page = client.post(invite_page, {"username": "carol"}, follow=True).content.decode()
    assert "You are sending invitations too often: try again in" in page
    assert not TeamInvitation.objects.filter(invitee=carol).exists()
    # Inviting spends its own budget, not the one for reading.
    assert as_alice.get(url).status_code == status.HTTP_200_OK
    assert len(as_alice.get(url).data["sent"]) == 2
