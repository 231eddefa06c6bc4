"""Submitting, following and checking files through the API."""

from rest_framework import status

from competitions.models import Submission
from competitions.tasks import score_submission_task
from tests.conftest import TRUE_LABELS, perfect_csv, submission_csv, upload


def test_submit_returns_201_with_id_status_and_location(token_client, competition, alice,
                                                        alice_joined):
    client = token_client(alice)
    response = client.post("/api/v1/competitions/animals/submissions/",
                           {"file": upload(perfect_csv(), "予測.csv"), "description": "cnn"},
                           format="multipart")
    assert response.status_code == status.HTTP_201_CREATED
    submission = Submission.objects.get()
    assert (response.data["id"], response.data["status"]) == (submission.pk, "queued")
    assert response["Location"].endswith(f"/api/v1/submissions/{submission.pk}/")
    assert response.data["file_name"] == "予測.csv"

    score_submission_task(submission.pk)
    detail = client.get(f"/api/v1/submissions/{submission.pk}/").data
    assert (detail["status"], detail["public_score"]) == ("scored", 1.0)
    assert "private_score" not in detail
    listed = client.get("/api/v1/competitions/animals/submissions/").data
    assert [item["id"] for item in listed["results"]] == [submission.pk]


def test_failed_submission_shows_structured_problems(token_client, competition, alice,
                                                     alice_joined):
    client = token_client(alice)
    created = client.post("/api/v1/competitions/animals/submissions/",
                          {"file": upload(submission_csv(["cat"] + TRUE_LABELS[1:]))},
                          format="multipart").data
    score_submission_task(created["id"])
    detail = client.get(f"/api/v1/submissions/{created['id']}/").data
    assert detail["status"] == "failed"
    assert detail["problems"] == [{"line": 2, "column": 2, "code": "unknown_label",
                                   "message": 'line 2: unknown label "cat".'}]


def test_validate_answers_valid_or_problems_and_never_a_score(token_client, competition, alice,
                                                              alice_joined):
    client = token_client(alice)
    valid = client.post("/api/v1/competitions/animals/validate/",
                        {"file": upload(perfect_csv())}, format="multipart")
    assert valid.data == {"valid": True, "problem_count": 0, "problems": []}
    invalid = client.post("/api/v1/competitions/animals/validate/",
                          {"file": upload(b"id,label\n")}, format="multipart")
    assert invalid.data["valid"] is False
    assert invalid.data["problems"][0]["message"] == "missing 10 ids, e.g. img_01.png."
    assert not Submission.objects.exists()


def test_daily_limit_is_429_with_retry_after_until_midnight_utc(token_client, make_competition,
                                                                alice):
    from competitions.services import join_competition

    competition = make_competition(daily_submission_limit=1)
    join_competition(competition=competition, user=alice)
    client = token_client(alice)
    url = f"/api/v1/competitions/{competition.slug}/submissions/"
    assert client.post(url, {"file": upload(perfect_csv())}, format="multipart"
                       ).status_code == 201
    response = client.post(url, {"file": upload(perfect_csv())}, format="multipart")
    assert response.status_code == status.HTTP_429_TOO_MANY_REQUESTS
    assert response.data["code"] == "daily_limit"
    assert 0 < int(response["Retry-After"]) <= 86_401


def test_too_large_is_413_with_the_limit_named(token_client, make_competition, alice):
    from competitions.services import join_competition

    competition = make_competition(max_upload_bytes=50)
    join_competition(competition=competition, user=alice)
    response = token_client(alice).post(f"/api/v1/competitions/{competition.slug}/submissions/",
                                        {"file": upload(perfect_csv())}, format="multipart")
    assert response.status_code == status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    assert "the limit for this competition is 50\xa0bytes" in response.data["detail"]


def test_submission_rate_limit_answers_429_with_retry_after(token_client, competition, alice,
                                                            alice_joined, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "submit", "2/min")
    client = token_client(alice)
    codes = [client.post("/api/v1/competitions/animals/submissions/",
                         {"file": upload(perfect_csv())}, format="multipart").status_code
             for _ in range(3)]
    assert codes == [201, 201, 429]
    response = client.post("/api/v1/competitions/animals/submissions/",
                           {"file": upload(perfect_csv())}, format="multipart")
    assert int(response["Retry-After"]) > 0
    # Reads have their own, looser budget.
    assert client.get("/api/v1/competitions/animals/submissions/").status_code == 200


def test_join_and_download_through_the_api(token_client, competition, alice):
    client = token_client(alice)
    joined = client.post("/api/v1/competitions/animals/join/")
    assert joined.status_code == 200 and joined.data["team"] == "alice"
    files = client.get("/api/v1/competitions/animals/files/").data["results"]
    assert [item["name"] for item in files] == ["sample_submission.csv"]
    download = client.get(files[0]["download_url"])
    assert b"".join(download.streaming_content).startswith(b"id,label\n")


def test_answering_an_upload_needs_no_database_once_it_is_stored(
        competition, alice, alice_joined, rf, django_assert_num_queries):
    """The upload asks the policy before its commit; a connection lost after the commit
    (tests/integration/test_drills.py) must not turn an accepted upload into a 500."""
    from competitions import policy
    from competitions.api.serializers import SubmissionSerializer
    from competitions.services import submission_create

    request = rf.post("/api/v1/competitions/animals/submissions/")
    request.user = alice
    private_visible = policy.private_board_visible(alice, competition)
    submission = submission_create(competition=competition, user=alice,
                                   file=upload(perfect_csv()))
    with django_assert_num_queries(0):
        body = SubmissionSerializer(submission, context={
            "request": request, "private_visible": private_visible}).data
    assert body["id"] == submission.pk and "private_score" not in body
