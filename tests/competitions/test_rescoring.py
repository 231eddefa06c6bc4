"""A label fix: the organizer replaces the solution, every submission is rescored, and the
admin's audit shows each score and rank change."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from competitions import services
from competitions.models import RescoreRun, Submission
from competitions.rescoring import rank_changes, solution_replace
from competitions.tasks import score_submission_task
from scoring.problems import InvalidFile
from tests.conftest import SOLUTION_CSV, TRUE_LABELS, deliver, submission_csv, upload
from tests.factories import make_submission

# The fix: the first public image was a bird, not a dog.
FIXED_SOLUTION = SOLUTION_CSV.replace("img_01.png,いぬ,Public".encode(),
                                      "img_01.png,とり,Public".encode())


@pytest.fixture
def two_scored(competition, alice_joined, bob_joined):
    """alice predicted img_01 as a dog (right before the fix), bob as a bird."""
    alice_file = make_submission(competition, alice_joined, submission_csv(TRUE_LABELS))
    bob_file = make_submission(competition, bob_joined,
                               submission_csv(["とり"] + TRUE_LABELS[1:3] + ["とり"]
                                              + TRUE_LABELS[4:]))
    for submission in (alice_file, bob_file):
        score_submission_task(submission.pk)
    return alice_file, bob_file


def test_replacing_the_solution_rescores_everything_and_audits_scores_and_ranks(
        competition, two_scored, django_capture_on_commit_callbacks, scoring_messages):
    alice_file, bob_file = two_scored
    assert (Submission.objects.get(pk=alice_file.pk).public_score,
            Submission.objects.get(pk=bob_file.pk).public_score) == (1.0, 0.5)
    with django_capture_on_commit_callbacks(execute=True):
        run = solution_replace(competition=competition, content=FIXED_SOLUTION,
                               reason="img_01")
    assert set(Submission.objects.values_list("status", flat=True)) == {"queued"}
    assert sorted(scoring_messages) == sorted([alice_file.pk, bob_file.pk])
    assert deliver(scoring_messages) == ["scored", "scored"]

    run.refresh_from_db()
    assert run.finished_at is not None
    records = {record.submission_id: record for record in run.records.all()}
    assert (records[alice_file.pk].old_public_score,
            records[alice_file.pk].new_public_score) == (1.0, 0.75)
    assert (records[bob_file.pk].old_public_score,
            records[bob_file.pk].new_public_score) == (0.5, 0.75)
    changes = {row["team"]: row for row in rank_changes(run)}
    assert (changes["alice"]["public_before"]["rank"],
            changes["alice"]["public_after"]["rank"]) == (1, 1)  # tie: alice was earlier
    assert changes["bob"]["public_before"]["score"] == 0.5
    assert changes["bob"]["public_after"]["score"] == 0.75


def test_admin_upload_over_an_existing_solution_starts_an_audited_rescore(
        client, olivia, competition, two_scored, django_capture_on_commit_callbacks,
        scoring_messages):
    from tests.factories import competition_form

    client.force_login(olivia)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:competitions_competition_change", args=[competition.pk]),
            competition_form(slug=competition.slug, labels="いぬ\nねこ\nとり",
                             solution_upload=SimpleUploadedFile("s.csv", FIXED_SOLUTION),
                             solution_change_reason="img_01 is a bird"), follow=True)
    assert "2 submissions are being rescored" in response.content.decode()
    assert deliver(scoring_messages) == ["scored", "scored"]
    run = RescoreRun.objects.get()
    assert run.reason == "img_01 is a bird"
    run.records.update(old_private_score=0.7500000000000001)  # as floats come out
    page = client.get(reverse("admin:competitions_rescorerun_change",
                              args=[run.pk])).content.decode()
    assert "2 / 2" in page
    assert "0.50000 → 0.75000" in page  # bob's public score
    assert "1 → 1" in page
    # Each submission's record: status names and scores as the site shows them.
    records = page.split('id="records-group"')[1] if 'id="records-group"' in page else page
    assert "Scored" in records and ">scored<" not in records
    assert not re.search(r"\d\.\d{6,}", records)


def test_an_invalid_replacement_changes_nothing(competition, two_scored):
    with pytest.raises(InvalidFile):
        solution_replace(competition=competition, content=b"id,label,usage\nx,?,Public\n")
    assert not RescoreRun.objects.exists()
    assert set(Submission.objects.values_list("status", flat=True)) == {"scored"}


def test_management_command_replaces_and_reports(competition, two_scored, tmp_path,
                                                 django_capture_on_commit_callbacks,
                                                 scoring_messages):
    path = tmp_path / "fixed.csv"
    path.write_bytes(FIXED_SOLUTION)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("replace_solution", competition.slug, str(path), "--reason", "fix")
    assert RescoreRun.objects.get().records.count() == 2
    assert len(scoring_messages) == 2
    path.write_bytes(b"nonsense")
    with pytest.raises(CommandError, match="line 1: the header must be"):
        call_command("replace_solution", competition.slug, str(path))


def test_participant_uploads_during_a_rescore_are_not_audited(
        competition, alice, alice_joined, two_scored, django_capture_on_commit_callbacks,
        scoring_messages):
    with django_capture_on_commit_callbacks(execute=True):
        run = solution_replace(competition=competition, content=FIXED_SOLUTION)
        fresh = services.submission_create(competition=competition, user=alice,
                                           file=upload(submission_csv(TRUE_LABELS)))
    assert deliver(scoring_messages) == ["scored"] * 3
    assert not run.records.filter(submission=fresh).exists()
    run.refresh_from_db()
    assert run.finished_at is not None


def test_repeated_replacements_keep_scoring(competition, two_scored,
                                            django_capture_on_commit_callbacks,
                                            scoring_messages):
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            solution_replace(competition=competition, content=FIXED_SOLUTION)
        assert deliver(scoring_messages) == ["scored", "scored"]
    assert set(Submission.objects.values_list("status", flat=True)) == {"scored"}


def test_a_submission_in_flight_during_a_replacement_is_rescored_with_the_new_solution(
        competition, alice_joined, django_capture_on_commit_callbacks, scoring_messages):
    in_flight = make_submission(competition, alice_joined, submission_csv(TRUE_LABELS))
    stale = Submission.objects.get(pk=in_flight.pk)
    assert stale.claim_for_scoring()  # a worker has started on it with the old solution
    with django_capture_on_commit_callbacks(execute=True):
        run = solution_replace(competition=competition, content=FIXED_SOLUTION)
    from scoring.scorer import Scores

    assert not stale.mark_scored(Scores(public=1.0, private=1.0))  # its result is dropped
    assert deliver(scoring_messages) == ["scored"]
    record = run.records.get(submission=in_flight)
    assert (record.old_status, record.new_status, record.new_public_score) == (
        "scoring", "scored", 0.75)
