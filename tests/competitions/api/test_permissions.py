"""Who may do what through the API: each refusal has its status code and its words."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import status

from competitions.services import NOT_JOINED, NOT_OPEN, submission_create
from tests.conftest import perfect_csv, upload


def test_anyone_can_list_and_read_published_competitions(api, competition, make_competition):
    make_competition(slug="draft", is_published=False)
    response = api.get("/api/v1/competitions/")
    assert response.status_code == status.HTTP_200_OK
    assert [item["slug"] for item in response.data["results"]] == ["animals"]
    assert api.get("/api/v1/competitions/draft/").status_code == status.HTTP_404_NOT_FOUND
    detail = api.get("/api/v1/competitions/animals/").data
    assert detail["labels"] == ["いぬ", "ねこ", "とり"]
    assert "solution_file" not in detail and "private_rows" not in str(detail)
    assert detail["private_leaderboard_revealed"] is False


def test_without_a_token_submitting_is_refused(api, competition):
    response = api.post("/api/v1/competitions/animals/submissions/",
                        {"file": upload(perfect_csv())}, format="multipart")
    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.data["detail"] == "Authentication credentials were not provided."


def test_a_bad_token_is_refused(api, competition):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get("/api/v1/competitions/animals/submissions/")
    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.data["detail"] == "Invalid token."


def test_before_joining_files_and_submissions_are_refused_with_the_page_words(
        token_client, competition, bob):
    client = token_client(bob)
    for method, path in [("get", "files/"), ("get", "submissions/"),
                         ("get", "files/sample_submission.csv/download/")]:
        response = getattr(client, method)(f"/api/v1/competitions/animals/{path}")
        assert response.status_code == status.HTTP_403_FORBIDDEN, path
        assert response.data["detail"] == str(NOT_JOINED)
    response = client.post("/api/v1/competitions/animals/submissions/",
                           {"file": upload(perfect_csv())}, format="multipart")
    assert (response.status_code, response.data) == (
        status.HTTP_403_FORBIDDEN, {"detail": str(NOT_JOINED), "code": "not_joined"})


def test_another_users_submission_is_not_found(token_client, competition, alice, bob,
                                               alice_joined, bob_joined):
    bobs = submission_create(competition=competition, user=bob, file=upload(perfect_csv()))
    response = token_client(alice).get(f"/api/v1/submissions/{bobs.pk}/")
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert token_client(bob).get(f"/api/v1/submissions/{bobs.pk}/").status_code == 200


def test_after_the_end_a_submission_is_accepted_as_late(token_client, make_competition,
                                                          alice):
    from competitions.services import join_competition

    competition = make_competition(slug="ended", end_at=timezone.now() - timedelta(hours=1))
    join_competition(competition=competition, user=alice)
    response = token_client(alice).post("/api/v1/competitions/ended/submissions/",
                                        {"file": upload(perfect_csv())}, format="multipart")
    assert response.status_code == status.HTTP_201_CREATED
    assert response.data["is_late"] is True


def test_before_the_start_submitting_is_refused(token_client, make_competition, alice):
    from competitions.services import join_competition

    competition = make_competition(slug="soon", start_at=timezone.now() + timedelta(hours=1))
    join_competition(competition=competition, user=alice)
    response = token_client(alice).post("/api/v1/competitions/soon/submissions/",
                                        {"file": upload(perfect_csv())}, format="multipart")
    assert (response.status_code, response.data) == (
        status.HTTP_403_FORBIDDEN, {"detail": str(NOT_OPEN), "code": "not_open"})


def test_private_leaderboard_is_not_revealed_to_participants(token_client, competition, alice,
                                                             olivia):
    response = token_client(alice).get("/api/v1/competitions/animals/leaderboard/?board=private")
    assert response.status_code == status.HTTP_403_FORBIDDEN
    assert response.data["detail"] == "The private leaderboard is not revealed yet."
    staff = token_client(olivia).get("/api/v1/competitions/animals/leaderboard/?board=private")
    assert staff.status_code == status.HTTP_200_OK


def test_refusals_speak_japanese_when_asked(token_client, competition, bob):
    from django.utils import translation

    response = token_client(bob).get("/api/v1/competitions/animals/files/",
                                     HTTP_ACCEPT_LANGUAGE="ja")
    with translation.override("ja"):
        japanese = str(NOT_JOINED)
    assert japanese != "Join the competition and accept its rules first."
    assert response.data["detail"] == japanese
