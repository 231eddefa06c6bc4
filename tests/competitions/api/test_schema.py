"""The OpenAPI schema validates and describes the real endpoints: every path answers."""

import json

import pytest
from drf_spectacular.validation import validate_schema

from tests.conftest import perfect_csv, upload


@pytest.fixture
def schema(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert "Rate limits" in schema["info"]["description"]


def test_docs_page_is_served_without_any_cdn(api):
    page = api.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower() and "https://" not in page


# Answered to organizers only; the other paths are walked as a participant.
STAFF_ONLY = {"/api/v1/competitions/{slug}/analytics/"}
# The posts that take no file.
BODIES = {"/api/v1/submissions/{id}/final/": {"final": True}}


def test_every_documented_path_answers(schema, token_client, competition, alice, alice_joined,
                                       olivia, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    from tests.conftest import scored_upload

    for scope in ("read", "submit", "validate"):
        monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, scope, "1000/min")
    competition.feedback_while_open = "full"  # so that the insight paths answer too
    competition.save(update_fields=["feedback_while_open"])
    submission = scored_upload(competition, alice, perfect_csv())
    assert submission.status == "scored"
    values = {"slug": competition.slug, "name": "sample_submission.csv",
              "id": str(submission.pk)}
    queries = {"/api/v1/competitions/{slug}/compare/":
               f"?first={submission.pk}&second={submission.pk}"}
    participant, organizer = token_client(alice), token_client(olivia)
    answered = []
    for path, operations in schema["paths"].items():
        url = path
        for name, value in values.items():
            url = url.replace("{" + name + "}", value)
        assert "{" not in url, path
        url += queries.get(path, "")
        client = organizer if path in STAFF_ONLY else participant
        for method in operations:
            if path in BODIES:
                response = client.post(url, BODIES[path], format="json")
            elif method == "post":
                response = client.post(url, {"file": upload(perfect_csv())}, format="multipart")
            else:
                response = getattr(client, method)(url)
            assert response.status_code < 400, (method, url, response.status_code)
            answered.append((method, path))
    assert len(answered) >= 9
