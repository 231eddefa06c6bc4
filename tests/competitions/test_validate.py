"""The dry run: the same checks as scoring, never a score, no quota, no submission."""

from django.urls import reverse
from django.utils import translation

from competitions import services
from competitions.models import Submission
from scoring.problems import MESSAGES
from tests.conftest import TRUE_LABELS, perfect_csv, submission_csv, upload


def check(client, competition, content: bytes, name: str = "予測.csv"):
    return client.post(reverse("submission_new", args=[competition.slug]),
                       {"file": upload(content, name), "validate": "1"})


def test_valid_file_is_reported_valid_without_a_score_or_a_submission(
        client, competition, alice, alice_joined):
    client.force_login(alice)
    page = check(client, competition, perfect_csv()).content.decode()
    assert "予測.csv is valid and ready to submit." in page
    assert "1.00000" not in page and "0.75" not in page
    assert not Submission.objects.exists()
    assert services.submissions_left_today(competition=competition,
                                           team=alice_joined.team) == 5


def test_invalid_file_lists_its_problems_with_lines(client, competition, alice, alice_joined):
    client.force_login(alice)
    page = check(client, competition, submission_csv(["cat"] + TRUE_LABELS[1:])).content.decode()
    assert "1 problem found. Nothing was submitted." in page
    assert "line 2: unknown label &quot;cat&quot;." in page
    assert not Submission.objects.exists()


def test_dry_run_answers_in_japanese(client, competition, alice, alice_joined):
    client.force_login(alice)
    page = client.post(reverse("submission_new", args=[competition.slug]),
                       {"file": upload(b"id,label\n"), "validate": "1"},
                       HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    with translation.override("ja"):
        expected = translation.gettext(MESSAGES["missing_ids"]).format(
            count=10, example="img_01.png")
    assert expected in page
    assert "Nothing was submitted" not in page


def test_dry_run_needs_a_joined_participant(competition, bob):
    import pytest

    with pytest.raises(services.SubmissionRefused):
        services.submission_validate(competition=competition, user=bob,
                                     file=upload(perfect_csv()))


def test_dry_run_with_a_broken_solution_says_not_ready_and_quotes_nothing_hidden(
        competition, alice, alice_joined):
    import pytest

    # Labels changed behind the admin's back: the stored solution no longer parses.
    competition.labels = ["いぬ", "ねこ"]
    competition.save(update_fields=["labels"])
    with pytest.raises(services.SubmissionRefused) as refusal:
        services.submission_validate(competition=competition, user=alice,
                                     file=upload(perfect_csv()))
    assert refusal.value.code == "not_ready"
    assert "とり" not in str(refusal.value)


def test_empty_upload_is_refused_in_the_readers_language(client, competition, alice,
                                                         alice_joined):
    client.force_login(alice)
    page = client.post(reverse("submission_new", args=[competition.slug]),
                       {"file": upload(b""), "validate": "1"},
                       HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    with translation.override("ja"):
        expected = translation.gettext(MESSAGES["empty_file"])
    assert expected != MESSAGES["empty_file"] and expected in page


def test_a_compressed_upload_may_not_unpack_past_the_competitions_ceiling(
        make_competition, alice):
    import gzip

    competition = make_competition(max_upload_bytes=100_000)
    services.join_competition(competition=competition, user=alice)
    bomb = gzip.compress(b"0" * (competition.max_unpacked_bytes + 1))
    assert len(bomb) < 100_000
    problems, count = services.submission_validate(competition=competition, user=alice,
                                                   file=upload(bomb, "bomb.csv.gz"))
    assert [problem.code for problem in problems] == ["unpacked_too_large"] and count == 1
    # Ten rows need far less than the competition's 16 MB: the ceiling comes from the
    # solution's size (scoring.scorer.unpack_ceiling).
    assert problems[0].message() == ("Unpacked, the file is larger than 1 MB: that is no "
                                     "submission of this competition.")


def test_the_16_kb_gzip_of_8_million_bad_lines_is_answered_at_once_with_its_count(
        client, competition, alice, alice_joined):
    import gzip
    import time

    bomb = gzip.compress(b"id,label\n" + b"x\n" * 8_000_000, compresslevel=9)
    assert len(bomb) < 16 * 1024
    client.force_login(alice)
    start = time.perf_counter()
    answer = client.post(reverse("api:competition-validate", args=[competition.slug]),
                         {"file": upload(bomb, "bomb.csv.gz")})
    elapsed = time.perf_counter() - start
    assert answer.status_code == 200, answer.content
    assert answer.json()["problem_count"] == 1
    assert answer.json()["problems"][0]["code"] == "unpacked_too_large"
    assert elapsed < 1.0


def test_page_dry_runs_share_the_api_rate_limit(client, competition, alice, alice_joined,
                                                monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "validate", "2/min")
    client.force_login(alice)
    pages = [check(client, competition, perfect_csv()).content.decode() for _ in range(3)]
    assert "is valid" in pages[0] and "is valid" in pages[1]
    assert "Too many checks in a short time: try again in" in pages[2]


def test_the_pages_check_answers_a_fetch_with_the_result_alone(
        client, competition, alice, alice_joined):
    """check.js asks with X-Requested-With: the answer only, so the page keeps its file."""
    client.force_login(alice)
    answer = client.post(reverse("submission_new", args=[competition.slug]),
                         {"file": upload(perfect_csv(), "予測.csv"), "validate": "1"},
                         HTTP_X_REQUESTED_WITH="fetch")
    text = answer.content.decode()
    assert answer.status_code == 200 and 'data-testid="check-result"' in text
    assert "予測.csv is valid and ready to submit." in text
    assert "<form" not in text and "<html" not in text
    refused = client.post(reverse("submission_new", args=[competition.slug]),
                          {"file": upload(b"", "empty.csv"), "validate": "1"},
                          HTTP_X_REQUESTED_WITH="fetch")
    assert refused.status_code == 400 and "errorlist" in refused.content.decode()
    assert not Submission.objects.exists()
