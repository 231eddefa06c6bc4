"""The scoring task: idempotent, and every failure ends `failed` with a reason."""

from django.core.files.base import ContentFile

from competitions.models import Submission
from scoring.tasks import score_submission_task
from tests.conftest import perfect_csv


def make_submission(competition, participation, content: bytes) -> Submission:
    submission = Submission(competition=competition, team=participation.team,
                            submitted_by=participation.user, original_name="p.csv")
    submission.file.save("p.csv", ContentFile(content), save=False)
    submission.save()
    return submission


def test_task_scores_a_queued_submission(competition, alice_joined):
    submission = make_submission(competition, alice_joined, perfect_csv())
    assert score_submission_task(submission.pk) == "scored"
    submission.refresh_from_db()
    assert (submission.public_score, submission.private_score) == (1.0, 1.0)


def test_a_second_message_for_a_finished_submission_changes_nothing(competition, alice_joined):
    submission = make_submission(competition, alice_joined, perfect_csv())
    score_submission_task(submission.pk)
    finished_at = Submission.objects.get().finished_at
    assert score_submission_task(submission.pk) == "skipped"
    assert Submission.objects.get().finished_at == finished_at


def test_a_message_for_a_deleted_submission_is_ignored(db):
    assert score_submission_task(987654) == "skipped"


def test_broken_solution_fails_on_our_side_without_quoting_it(competition, alice_joined):
    competition.solution_file.save("s.csv", ContentFile("id,label,usage\nx,秘密のラベル,Public\n"
                                                        .encode()))
    submission = make_submission(competition, alice_joined, perfect_csv())
    assert score_submission_task(submission.pk) == "failed"
    submission.refresh_from_db()
    assert [problem["code"] for problem in submission.problems] == ["internal_error"]
    assert "秘密" not in submission.error


def test_missing_submission_file_fails_with_a_reason(competition, alice_joined):
    submission = make_submission(competition, alice_joined, perfect_csv())
    submission.file.storage.delete(submission.file.name)
    score_submission_task(submission.pk)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.FAILED
    assert "error on our side" in submission.error


def test_a_rescore_during_scoring_wins_over_the_stale_result(competition, alice_joined):
    submission = make_submission(competition, alice_joined, perfect_csv())
    assert submission.claim_for_scoring()
    Submission.objects.get(pk=submission.pk).mark_queued()  # the organizer rescores
    from scoring.scorer import Scores

    assert not submission.mark_scored(Scores(public=0.1, private=0.1))
    assert Submission.objects.get().status == Submission.Status.QUEUED
    assert score_submission_task(submission.pk) == "scored"
    assert Submission.objects.get().public_score == 1.0


def test_only_one_of_two_claims_succeeds(competition, alice_joined):
    make_submission(competition, alice_joined, perfect_csv())
    first, second = Submission.objects.get(), Submission.objects.get()
    assert first.claim_for_scoring()
    assert not second.claim_for_scoring()
