"""Submitting: the row and the file are stored together, scoring is queued after commit."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from competitions import services
from competitions.models import Submission
from tests.conftest import perfect_csv, upload


def test_participant_submission_is_stored_and_queued_after_commit(
        competition, alice, alice_joined, django_capture_on_commit_callbacks,
        scoring_messages):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submission = services.submission_create(competition=competition, user=alice,
                                                file=upload(perfect_csv(), "予測.csv"),
                                                description="first try")
    assert len(callbacks) == 1 and scoring_messages == [submission.pk]
    submission.refresh_from_db()
    assert submission.status == Submission.Status.QUEUED
    assert submission.original_name == "予測.csv"
    assert submission.team == alice_joined.team
    assert submission.file.read() == perfect_csv()


def test_user_who_has_not_joined_cannot_submit(competition, bob):
    with pytest.raises(services.SubmissionRefused) as refusal:
        services.submission_create(competition=competition, user=bob, file=upload(b"x"))
    assert str(refusal.value) == str(services.NOT_JOINED)


def test_file_over_the_size_limit_is_refused_with_the_limit_named(make_competition, alice):
    competition = make_competition(max_upload_bytes=100)
    services.join_competition(competition=competition, user=alice)
    with pytest.raises(services.SubmissionRefused) as refusal:
        services.submission_create(competition=competition, user=alice,
                                   file=upload(b"x" * 101))
    assert str(refusal.value) == ("The file is 101\xa0bytes; the limit for this competition "
                                  "is 100\xa0bytes.")
    assert not Submission.objects.exists()


def test_upcoming_competition_refuses_uploads(make_competition, alice):
    competition = make_competition(start_at=timezone.now() + timedelta(hours=1))
    services.join_competition(competition=competition, user=alice)
    with pytest.raises(services.SubmissionRefused, match="has not started yet"):
        services.submission_create(competition=competition, user=alice,
                                   file=upload(perfect_csv()))


def test_after_the_end_a_submission_is_accepted_as_late_and_never_ranked(
        make_competition, alice):
    from competitions.selectors import public_leaderboard
    from competitions.tasks import score_submission_task

    competition = make_competition(end_at=timezone.now() - timedelta(minutes=1))
    services.join_competition(competition=competition, user=alice)
    late = services.submission_create(competition=competition, user=alice,
                                      file=upload(perfect_csv()))
    score_submission_task(late.pk)
    late.refresh_from_db()
    assert (late.is_late, late.status, late.public_score) == (True, "scored", 1.0)
    assert public_leaderboard(competition) == []


def test_total_limit_counts_every_day(make_competition, alice):
    competition = make_competition(daily_submission_limit=5, total_submission_limit=2)
    services.join_competition(competition=competition, user=alice)
    for _ in range(2):
        services.submission_create(competition=competition, user=alice,
                                   file=upload(perfect_csv()))
    with pytest.raises(services.SubmissionRefused) as refusal:
        services.submission_create(competition=competition, user=alice,
                                   file=upload(perfect_csv()))
    assert (refusal.value.code, str(refusal.value)) == (
        "total_limit", "You have used all 2 submissions of this competition.")


def test_organizer_raises_one_teams_daily_limit(make_competition, alice, bob):
    competition = make_competition(daily_submission_limit=1)
    alices = services.join_competition(competition=competition, user=alice)
    bobs = services.join_competition(competition=competition, user=bob)
    alices.team.extra_daily_submissions = 2
    alices.team.save()
    assert services.submissions_left_today(competition=competition, team=alices.team) == 3
    assert services.submissions_left_today(competition=competition, team=bobs.team) == 1


def test_submit_page_counts_down_to_the_reset(client, competition, alice, alice_joined):
    client.force_login(alice)
    page = client.get(reverse("submission_new", args=[competition.slug])).content.decode()
    # 00:00 UTC, said in the reader's time (the site's zone, Asia/Tokyo in the tests).
    assert "5 submissions left today (resets at 09:00 JST)." in page
    assert 'data-countdown-to="' in page and "Resets in " in page


def test_daily_limit_counts_only_files_that_did_not_fail(make_competition, alice):
    competition = make_competition(daily_submission_limit=2)
    participation = services.join_competition(competition=competition, user=alice)
    first = services.submission_create(competition=competition, user=alice,
                                       file=upload(perfect_csv()))
    assert first.claim_for_scoring()
    first.mark_failed([])
    services.submission_create(competition=competition, user=alice, file=upload(perfect_csv()))
    services.submission_create(competition=competition, user=alice, file=upload(perfect_csv()))
    with pytest.raises(services.SubmissionRefused, match="all 2 submissions for today"):
        services.submission_create(competition=competition, user=alice,
                                   file=upload(perfect_csv()))
    assert services.submissions_left_today(competition=competition,
                                           team=participation.team) == 0


def test_submit_page_shows_the_refusal_and_keeps_nothing(client, make_competition, alice):
    competition = make_competition(max_upload_bytes=10)
    services.join_competition(competition=competition, user=alice)
    client.force_login(alice)
    response = client.post(reverse("submission_new", args=[competition.slug]),
                           {"file": upload(perfect_csv()), "description": "big"})
    assert response.status_code == 400
    assert "the limit for this competition is 10" in response.content.decode()
    assert not Submission.objects.exists()


def test_submit_page_redirects_to_my_submissions(client, competition, alice, alice_joined):
    client.force_login(alice)
    response = client.post(reverse("submission_new", args=[competition.slug]),
                           {"file": upload(perfect_csv()), "description": "d"})
    assert response.status_code == 302
    assert response.url == reverse("submission_list", args=[competition.slug])
    page = client.get(response.url).content.decode()
    assert "predictions.csv" in page and "Queued" in page


def test_visitor_who_has_not_joined_is_sent_to_the_overview(client, competition, bob):
    client.force_login(bob)
    response = client.get(reverse("submission_new", args=[competition.slug]))
    assert response.url == reverse("competition_overview", args=[competition.slug])
