"""The score history: every scored submission over time and the best so far, as a chart on
the submissions page and as data from the API; private scores only after the end."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from competitions.selectors import score_history
from tests.conftest import scored


def test_history_keeps_every_score_and_the_best_so_far(competition, alice_joined):
    for public, minutes_ago in [(0.5, 30), (0.75, 20), (0.6, 10)]:
        scored(alice_joined, public, 0.9, minutes_ago)
    history = score_history(competition, alice_joined, alice_joined.user)
    assert [point["public"] for point in history["points"]] == [0.5, 0.75, 0.6]
    assert [value for _, value in history["best_public"]] == [0.5, 0.75]
    assert all(point["private"] is None for point in history["points"])
    assert history["private_shown"] is False


def test_after_the_end_private_scores_join_the_history(make_competition, alice):
    from competitions.services import join_competition

    competition = make_competition(end_at=timezone.now() - timedelta(minutes=1))
    participation = join_competition(competition=competition, user=alice)
    scored(participation, 0.5, 0.875, 30)
    history = score_history(competition, participation, alice)
    assert history["private_shown"] and history["points"][0]["private"] == 0.875


def test_submissions_page_draws_the_chart_without_private_scores_before_the_end(
        client, competition, alice, alice_joined):
    scored(alice_joined, 0.5, 0.8125, 30)
    scored(alice_joined, 0.75, 0.8125, 20)
    client.force_login(alice)
    page = client.get(reverse("submission_list", args=[competition.slug])).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert page.count("<circle") == 2 and "0.75000" in page
    assert "0.8125" not in page


def test_history_api_answers_the_same(competition, alice, alice_joined):
    scored(alice_joined, 0.5, 0.8125, 30)
    api = APIClient()
    api.force_authenticate(alice)
    data = api.get(f"/api/v1/competitions/{competition.slug}/history/").data
    assert [point["public"] for point in data["points"]] == [0.5]
    assert data["points"][0]["private"] is None and "0.8125" not in str(data)
