"""The private leaderboard: hidden until the end, then shown by itself (or as the organizer
decides), ranked by the best private score among each team's finals, with the shake-up."""

from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from competitions.admin import CompetitionAdmin
from competitions.models import Competition
from competitions.models.competition import PRIVATE_BOARD_TOO_EARLY, PrivateBoardChoice
from competitions.selectors import leaderboard
from competitions.services import join_competition
from tests.conftest import scored


def end_now(competition, **fields):
    competition.end_at = timezone.now() - timedelta(seconds=1)
    for name, value in fields.items():
        setattr(competition, name, value)
    competition.save()


def private_page(client, competition) -> str:
    return client.get(reverse("private_leaderboard", args=[competition.slug])).content.decode()


def private_api(user, competition, **params):
    api = APIClient()
    api.force_authenticate(user)
    return api.get(f"/api/v1/competitions/{competition.slug}/leaderboard/",
                   {"board": "private", **params})


@pytest.fixture
def three_teams(competition, make_user):
    """Public order: ann, ben, cam. Private order: cam, ann, ben."""
    teams = {}
    for name, public, private, minutes_ago in [("ann", 0.9, 0.6, 30), ("ben", 0.8, 0.5, 20),
                                               ("cam", 0.7, 0.95, 10)]:
        participation = join_competition(competition=competition, user=make_user(name))
        scored(participation, public, private, minutes_ago)
        teams[name] = participation
    return teams


def test_private_board_is_revealed_exactly_at_the_end_time(competition):
    assert not competition.private_board_revealed(at=competition.end_at - timedelta(seconds=1))
    assert competition.private_board_revealed(at=competition.end_at)


def test_before_the_end_participants_see_when_the_private_board_comes(
        client, competition, three_teams):
    client.force_login(three_teams["ann"].user)
    page = private_page(client, competition)
    assert "The private leaderboard is revealed at the end" in page
    assert 'data-testid="private-leaderboard"' not in page and "0.95000" not in page
    response = private_api(three_teams["ann"].user, competition)
    assert response.status_code == 403 and response.data["code"] == "not_revealed"


def test_after_the_end_the_private_board_shows_by_itself_with_the_shake_up(
        client, competition, three_teams):
    end_now(competition)
    client.force_login(three_teams["ann"].user)
    page = private_page(client, competition)
    table = page[page.index('data-testid="private-leaderboard"'):]
    assert table.index("cam") < table.index("ann") < table.index("ben")
    assert '<span class="up">▲2</span>' in page and '<span class="down">▼1</span>' in page
    rows = private_api(three_teams["ann"].user, competition).data["rows"]
    assert [(row["rank"], row["participant"], row["public_rank"], row["shake_up"],
             row["is_mine"]) for row in rows] == [
        (1, "cam", 3, 2, False), (2, "ann", 1, -1, True), (3, "ben", 2, -1, False)]


def test_the_organizer_can_hide_the_private_board_after_the_end(
        client, competition, three_teams):
    end_now(competition, private_leaderboard=PrivateBoardChoice.HIDDEN)
    client.force_login(three_teams["ann"].user)
    page = private_page(client, competition)
    assert "The organizers have not revealed the private leaderboard yet." in page
    assert "0.95000" not in page
    assert private_api(three_teams["ann"].user, competition).status_code == 403


def test_organizers_preview_the_private_board_before_it_is_revealed(
        client, competition, three_teams, olivia):
    client.force_login(olivia)
    page = private_page(client, competition)
    assert "Preview for organizers" in page and "0.95000" in page
    assert private_api(olivia, competition).status_code == 200


def test_the_private_board_cannot_be_shown_while_participants_can_still_submit(competition):
    competition.private_leaderboard = PrivateBoardChoice.SHOWN
    with pytest.raises(ValidationError) as invalid:
        competition.full_clean()
    assert invalid.value.message_dict["private_leaderboard"] == [str(PRIVATE_BOARD_TOO_EARLY)]


def test_a_practice_competition_may_show_its_private_board_at_any_time(
        make_competition, alice):
    practice = make_competition(slug="practice", end_at=None)
    assert not practice.private_board_revealed()  # no end: never by itself
    practice.private_leaderboard = PrivateBoardChoice.SHOWN
    practice.full_clean()
    practice.save()
    scored(join_competition(competition=practice, user=alice), 0.5, 0.75)
    assert private_api(alice, practice).data["rows"][0]["score"] == 0.75


def test_admin_actions_show_and_hide_the_private_board(rf, competition, olivia):
    admin = CompetitionAdmin(Competition, site)
    request = rf.post("/")
    request.user = olivia
    request._messages = []
    admin.message_user = lambda request, message, level=None: request._messages.append(
        str(message))
    def queryset():
        return Competition.objects.filter(pk=competition.pk)

    admin.show_private_board(request, queryset())
    competition.refresh_from_db()
    assert competition.private_leaderboard == PrivateBoardChoice.AUTO  # still open: refused
    assert str(PRIVATE_BOARD_TOO_EARLY) in request._messages[-1]

    end_now(competition)
    admin.hide_private_board(request, queryset())
    competition.refresh_from_db()
    assert not competition.private_board_revealed()
    admin.show_private_board(request, queryset())
    competition.refresh_from_db()
    assert competition.private_board_revealed()


def test_private_ties_go_to_the_earlier_submission(competition, alice_joined, bob_joined):
    scored(bob_joined, 0.5, 0.75, minutes_ago=10)
    scored(alice_joined, 0.5, 0.75, minutes_ago=20)
    assert [row.team_name for row in leaderboard(competition, "private").rows] == [
        "alice", "bob"]


def test_lower_is_better_metrics_rank_both_boards_upwards(make_competition, make_user):
    competition = make_competition(slug="loss", metric="log_loss",
                                   submission_kind="probability")
    for name, public, private in [("low", 0.2, 0.9), ("high", 0.7, 0.1)]:
        scored(join_competition(competition=competition, user=make_user(name)), public,
               private)
    assert [row.team_name for row in leaderboard(competition, "public").rows] == [
        "low", "high"]
    private = leaderboard(competition, "private").rows
    assert [(row.team_name, row.shake_up) for row in private] == [("high", 1), ("low", -1)]


def test_own_row_below_the_top_is_shown_after_a_gap(competition, make_user):
    participations = [join_competition(competition=competition, user=make_user(f"p{n}"))
                      for n in range(5)]
    for rank, participation in enumerate(participations):
        scored(participation, 0.9 - rank / 10, 0.9 - rank / 10)
    last = participations[-1]
    board = leaderboard(competition, "public", top=2, team_id=last.team_id)
    assert [(row.rank, row.after_gap) for row in board.rows] == [
        (1, False), (2, False), (5, True)]
    assert board.ranked_count == 5
    end_now(competition)
    rows = private_api(last.user, competition, top=2).data["rows"]
    assert [(row["rank"], row["public_rank"], row["is_mine"]) for row in rows] == [
        (1, 1, False), (2, 2, False), (5, 5, True)]


def test_api_refuses_a_top_out_of_range(competition, alice):
    api = APIClient()
    api.force_authenticate(alice)
    response = api.get(f"/api/v1/competitions/{competition.slug}/leaderboard/",
                       {"top": "0"})
    assert response.status_code == 400 and "top" in response.data


def test_my_private_scores_show_on_my_submissions_only_after_the_reveal(
        client, competition, alice, alice_joined):
    submission = scored(alice_joined, 0.5, 0.8125)
    client.force_login(alice)
    url = reverse("submission_list", args=[competition.slug])
    assert "0.81250" not in client.get(url).content.decode()
    api = APIClient()
    api.force_authenticate(alice)
    assert "private_score" not in api.get(f"/api/v1/submissions/{submission.pk}/").data
    end_now(competition)
    assert "0.81250" in client.get(url).content.decode()
    assert api.get(f"/api/v1/submissions/{submission.pk}/").data["private_score"] == 0.8125
