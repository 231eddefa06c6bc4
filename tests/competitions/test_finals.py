"""Final submissions: up to N marked per team before the end, or the best public ones
taken automatically; the private leaderboard ranks by the best private score among them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from competitions.finals import FINALS_CLOSED, FINALS_FULL, final_choice, final_mark
from competitions.models import Submission
from competitions.selectors import leaderboard
from competitions.services import SubmissionRefused
from tests.conftest import scored


def private_board(competition):
    return [(row.rank, row.team_name, row.score) for row in
            leaderboard(competition, "private").rows]


def end_now(competition):
    competition.end_at = timezone.now()
    competition.save(update_fields=["end_at"])


def test_with_none_marked_the_best_public_submissions_count(competition, alice_joined):
    low = scored(alice_joined, 0.25, 0.99, minutes_ago=40)
    best = scored(alice_joined, 0.75, 0.5, minutes_ago=30)
    second = scored(alice_joined, 0.5, 0.6, minutes_ago=20)
    choice = final_choice(competition, alice_joined)
    assert choice.automatic and choice.limit == 2
    assert choice.counting == [best, second]
    # The private board takes the best private score among those two, not low's 0.99.
    assert private_board(competition) == [(1, "alice", 0.6)]
    assert low.pk not in choice.counting_ids


def test_marked_finals_count_instead_of_the_best_public_ones(competition, alice, alice_joined):
    hidden_gem = scored(alice_joined, 0.25, 0.99, minutes_ago=40)
    scored(alice_joined, 0.75, 0.5, minutes_ago=30)
    final_mark(submission=hidden_gem, user=alice, final=True)
    choice = final_choice(competition, alice_joined)
    assert not choice.automatic and choice.counting == [hidden_gem]
    assert private_board(competition) == [(1, "alice", 0.99)]


def test_unmarking_the_last_final_brings_back_the_automatic_choice(
        competition, alice, alice_joined):
    marked = scored(alice_joined, 0.25, 0.99, minutes_ago=40)
    best = scored(alice_joined, 0.75, 0.5, minutes_ago=30)
    final_mark(submission=marked, user=alice, final=True)
    final_mark(submission=marked, user=alice, final=False)
    assert final_choice(competition, alice_joined).counting == [marked, best]
    assert final_choice(competition, alice_joined).automatic


def test_a_team_cannot_mark_more_finals_than_the_competition_allows(
        make_competition, alice):
    from competitions.services import join_competition

    competition = make_competition(final_submission_limit=1)
    participation = join_competition(competition=competition, user=alice)
    first = scored(participation, 0.5, 0.5, minutes_ago=20)
    second = scored(participation, 0.6, 0.6, minutes_ago=10)
    final_mark(submission=first, user=alice, final=True)
    with pytest.raises(SubmissionRefused) as refused:
        final_mark(submission=second, user=alice, final=True)
    assert refused.value.code == "finals_full"
    assert str(refused.value) == FINALS_FULL % {"limit": 1}
    assert not Submission.objects.get(pk=second.pk).is_final


def test_only_scored_submissions_made_before_the_end_can_be_final(
        competition, alice, alice_joined):
    failed = Submission.objects.create(competition=competition, team=alice_joined.team,
                                       submitted_by=alice, original_name="bad.csv")
    assert failed.claim_for_scoring()
    failed.mark_failed([])
    with pytest.raises(SubmissionRefused) as refused:
        final_mark(submission=failed, user=alice, final=True)
    assert refused.value.code == "not_scored"


def test_finals_cannot_change_after_the_end(competition, alice, alice_joined):
    submission = scored(alice_joined, 0.5, 0.5, minutes_ago=20)
    end_now(competition)
    with pytest.raises(SubmissionRefused) as refused:
        final_mark(submission=submission, user=alice, final=True)
    assert str(refused.value) == FINALS_CLOSED
    assert not final_choice(competition, alice_joined).can_change


def test_another_teams_submission_cannot_be_marked(competition, alice, bob_joined):
    bobs = scored(bob_joined, 0.5, 0.5)
    with pytest.raises(SubmissionRefused) as refused:
        final_mark(submission=bobs, user=alice, final=True)
    assert refused.value.code == "not_yours"


def test_late_submissions_never_count_as_finals(competition, alice_joined):
    on_time = scored(alice_joined, 0.25, 0.25, minutes_ago=60)
    late = scored(alice_joined, 0.99, 0.99, minutes_ago=1)
    Submission.objects.filter(pk=late.pk).update(is_late=True)
    from competitions.models import Standing

    Standing.refresh(alice_joined.team_id)
    assert final_choice(competition, alice_joined).counting == [on_time]
    assert private_board(competition) == [(1, "alice", 0.25)]


def test_submissions_page_says_which_submissions_count_and_marks_one(
        client, competition, alice, alice_joined):
    best = scored(alice_joined, 0.75, 0.5, minutes_ago=30)
    other = scored(alice_joined, 0.25, 0.5, minutes_ago=20)
    client.force_login(alice)
    url = reverse("submission_list", args=[competition.slug])
    page = client.get(url).content.decode()
    assert "You have marked none, so your best public submissions count:" in page
    assert f'data-testid="counts-{best.pk}"' in page and "final (automatic)" in page

    response = client.post(reverse("submission_final", args=[other.pk]), {"final": "1"})
    assert response.url == url
    page = client.get(url).content.decode()
    assert "These submissions count:" in page
    assert f'data-testid="counts-{other.pk}"' in page
    assert f'data-testid="counts-{best.pk}"' not in page
    assert f'data-testid="unmark-{other.pk}"' in page


def test_marking_another_users_submission_on_the_page_is_not_found(
        client, competition, mallory, bob_joined):
    bobs = scored(bob_joined, 0.5, 0.5)
    client.force_login(mallory)
    response = client.post(reverse("submission_final", args=[bobs.pk]), {"final": "1"})
    assert response.status_code == 404
    assert not Submission.objects.get(pk=bobs.pk).is_final


def test_api_lists_and_marks_finals(competition, alice, alice_joined):
    best = scored(alice_joined, 0.75, 0.5, minutes_ago=30)
    other = scored(alice_joined, 0.25, 0.5, minutes_ago=20)
    api = APIClient()
    api.force_authenticate(alice)
    finals_url = f"/api/v1/competitions/{competition.slug}/finals/"
    assert api.get(finals_url).data == {"limit": 2, "automatic": True, "can_change": True,
                                        "counting": [best.pk, other.pk]}
    response = api.post(f"/api/v1/submissions/{other.pk}/final/", {"final": True},
                        format="json")
    assert response.status_code == 200 and response.data["is_final"] is True
    assert api.get(finals_url).data["counting"] == [other.pk]


def test_api_refuses_finals_after_the_end_with_its_code(competition, alice, alice_joined):
    submission = scored(alice_joined, 0.5, 0.5)
    competition.end_at = timezone.now() - timedelta(seconds=1)
    competition.save(update_fields=["end_at"])
    api = APIClient()
    api.force_authenticate(alice)
    response = api.post(f"/api/v1/submissions/{submission.pk}/final/", {"final": True},
                        format="json")
    assert response.status_code == 403 and response.data["code"] == "finals_closed"


def test_the_admin_keeps_the_limit_at_or_above_the_finals_already_marked(
        client, olivia, competition, alice, alice_joined):
    from tests.factories import change_competition

    for minutes_ago in (20, 10):
        final_mark(submission=scored(alice_joined, 0.5, 0.5, minutes_ago=minutes_ago),
                   user=alice, final=True)
    response = change_competition(client, olivia, competition, final_submission_limit=1)
    assert response.status_code == 200
    assert "has already marked 2 final submissions" in response.content.decode()
    competition.refresh_from_db()
    assert competition.final_submission_limit == 2


def test_a_final_that_a_rescore_failed_does_not_use_up_the_limit(
        make_competition, alice):
    from competitions.services import join_competition

    competition = make_competition(final_submission_limit=1)
    participation = join_competition(competition=competition, user=alice)
    first = scored(participation, 0.5, 0.5, minutes_ago=20)
    final_mark(submission=first, user=alice, final=True)
    Submission.objects.filter(pk=first.pk).update(status=Submission.Status.FAILED)
    second = scored(participation, 0.6, 0.6, minutes_ago=10)
    final_mark(submission=second, user=alice, final=True)
    assert final_choice(competition, participation).counting == [second]


def test_a_submission_of_an_unpublished_competition_cannot_be_marked(
        competition, alice, alice_joined):
    submission = scored(alice_joined, 0.5, 0.5)
    competition.is_published = False
    competition.save(update_fields=["is_published"])
    api = APIClient()
    api.force_authenticate(alice)
    response = api.post(f"/api/v1/submissions/{submission.pk}/final/", {"final": True},
                        format="json")
    assert response.status_code == 404
