"""Submitting: the row and the file are stored together, scoring is queued after commit."""

import pytest
from django.urls import reverse

from competitions import services
from competitions.models import Submission
from tests.conftest import perfect_csv, upload


def test_participant_submission_is_stored_and_queued_after_commit(
        competition, alice, alice_joined, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr(services, "enqueue_scoring", queued.append)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submission = services.submission_create(competition=competition, user=alice,
                                                file=upload(perfect_csv(), "予測.csv"),
                                                description="first try")
    assert len(callbacks) == 1 and queued == [submission.pk]
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


def test_closed_competition_refuses_uploads(make_competition, alice):
    from django.utils import timezone
    competition = make_competition(end_at=timezone.now())
    services.join_competition(competition=competition, user=alice)
    with pytest.raises(services.SubmissionRefused, match="not accepting"):
        services.submission_create(competition=competition, user=alice,
                                   file=upload(perfect_csv()))


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
