"""Every error under /api/ is JSON with `detail` and `code`, and requests are held to the
schema: one test for each contract failure that schemathesis found."""

import pytest
from rest_framework import status

from competitions.finals import final_mark
from tests.conftest import scored


def assert_json_error(response, status_code: int, code: str) -> dict:
    assert response.status_code == status_code
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code and isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.mark.parametrize("method, path", [
    ("post", "/api/v1/submissions/-1/final/"),
    ("get", "/api/v1/submissions/null,null/"),
    ("delete", "/api/v1/no-such-thing/"),
    ("get", "/api/v1/competitions"),  # no slash: no route either
    ("get", "/api/v2/competitions/"),
    ("put", "/api/"),
])
def test_an_unmatched_api_route_answers_json_404_whatever_the_method(api, db, method, path):
    assert_json_error(getattr(api, method)(path), status.HTTP_404_NOT_FOUND, "not_found")


def test_an_unmatched_api_route_speaks_the_readers_language(api, db):
    response = api.get("/api/v1/nothing/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.json()["detail"] == "見つかりませんでした。"


def test_an_unmatched_site_route_still_gets_the_html_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "text/html" in response["Content-Type"]


def test_a_404_raised_inside_a_view_has_a_code(token_client, competition, alice, alice_joined):
    # The insight selectors raise Django's Http404 for a submission that is not yours.
    client = token_client(alice)
    for path in ("/api/v1/submissions/987654/insight/", "/api/v1/submissions/987654/final/"):
        response = (client.get(path) if "insight" in path
                    else client.post(path, {"final": True}, format="json"))
        assert_json_error(response, status.HTTP_404_NOT_FOUND, "not_found")


def test_an_invalid_parameter_answers_400_with_code_detail_and_the_field(
        token_client, competition, alice):
    response = token_client(alice).get("/api/v1/competitions/animals/leaderboard/?top=0")
    body = assert_json_error(response, status.HTTP_400_BAD_REQUEST, "invalid")
    assert body["top"] == ["A whole number from 1 to 1000."]
    assert body["detail"] == "top: A whole number from 1 to 1000."


def test_marking_final_without_final_is_400_and_changes_nothing(token_client, competition,
                                                                 alice, alice_joined):
    submission = scored(alice_joined, 0.5)
    final_mark(submission=submission, user=alice, final=True)
    client = token_client(alice)
    url = f"/api/v1/submissions/{submission.pk}/final/"
    for body in ({}, {"final": None}, {"final": 0}, {"final": "false"}, {"final": "no"}):
        response = client.post(url, body, format="json")
        assert_json_error(response, status.HTTP_400_BAD_REQUEST, "invalid")
        assert "final" in response.json(), body
    # A form without the field once read as an unticked box, and unmarked the submission.
    form = client.post(url, {}, format="multipart")
    assert_json_error(form, status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    submission.refresh_from_db()
    assert submission.is_final is True
    unmarked = client.post(url, {"final": False}, format="json")
    assert unmarked.status_code == status.HTTP_200_OK and unmarked.json()["is_final"] is False


@pytest.mark.parametrize("page", ["", "last", "0", "1.0", "+1", "x"])
def test_a_page_that_is_not_a_whole_number_from_1_is_not_found(api, competition, page):
    response = api.get("/api/v1/competitions/", {"page": page})
    assert_json_error(response, status.HTTP_404_NOT_FOUND, "not_found")
    assert api.get("/api/v1/competitions/", {"page": "1"}).status_code == status.HTTP_200_OK


def test_an_empty_upload_is_a_400_with_the_file_named(token_client, competition, alice,
                                                      alice_joined):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = token_client(alice).post("/api/v1/competitions/animals/validate/",
                                        {"file": SimpleUploadedFile("empty.csv", b"")},
                                        format="multipart")
    body = assert_json_error(response, status.HTTP_400_BAD_REQUEST, "invalid")
    assert body["file"] == ["The file is empty."]


def test_a_bad_token_is_a_401_with_a_code_even_where_no_token_is_needed(api, competition):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_json_error(api.get("/api/v1/competitions/"), status.HTTP_401_UNAUTHORIZED,
                      "authentication_failed")


def test_the_private_score_is_in_the_answer_only_once_revealed(token_client, competition,
                                                               alice, alice_joined):
    from datetime import timedelta

    from django.utils import timezone

    submission = scored(alice_joined, 0.5, 0.75)
    client = token_client(alice)
    body = client.get(f"/api/v1/submissions/{submission.pk}/").json()
    assert "private_score" not in body and body["public_score"] == 0.5
    competition.end_at = timezone.now() - timedelta(seconds=1)
    competition.save(update_fields=["end_at"])
    assert client.get(f"/api/v1/submissions/{submission.pk}/").json()["private_score"] == 0.75


@pytest.mark.parametrize("path", ["submissions", "validate"])
def test_an_upload_without_a_file_or_with_text_for_a_file_is_refused(token_client, competition,
                                                                    alice, alice_joined, path):
    client = token_client(alice)
    url = f"/api/v1/competitions/animals/{path}/"
    for body in ({}, {"description": "cnn"}, {"file": "id,label\n"}):
        response = client.post(url, body, format="multipart")
        assert_json_error(response, status.HTTP_400_BAD_REQUEST, "invalid")
        assert "file" in response.json(), body
    from competitions.models import Submission

    assert not Submission.objects.exists()
