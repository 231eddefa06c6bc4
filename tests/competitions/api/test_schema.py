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
TEAM = "/api/v1/competitions/{slug}/team/"
BODIES = {"/api/v1/submissions/{id}/final/": {"final": True},
          TEAM: {"name": "alice-team"}, TEAM + "invitations/": {"username": "erin"},
          TEAM + "merges/": {"team_name": "bob"}}


def team_world(competition, alice, make_user) -> tuple[dict, dict]:
    """Teams for the team paths, walked in the schema's order: whose pending invitation or
    merge request each `{id}` path answers, and who answers it (alice unless named)."""
    from competitions import teams
    from competitions.services import join_competition

    competition.max_team_size = 4
    competition.save(update_fields=["max_team_size"])
    mine = join_competition(competition=competition, user=alice)
    users = {name: make_user(name) for name in ("bob", "carol", "dave", "erin", "frank",
                                                  "gina")}
    joined = {name: join_competition(competition=competition, user=users[name])
              for name in ("bob", "carol", "dave")}

    def invite(name):
        return teams.invitation_create(participation=mine, username=name).pk

    def ask(name):
        return teams.merge_request_create(participation=joined[name], team_name="alice").pk

    ids = {TEAM + "invitations/{id}/accept/": invite("frank"),
           TEAM + "invitations/{id}/decline/": invite("gina"),
           TEAM + "merges/{id}/accept/": ask("carol"), TEAM + "merges/{id}/decline/": ask("dave")}
    actors = {TEAM + "invitations/{id}/accept/": users["frank"], TEAM + "leave/": users["frank"]}
    return ids, actors

# The discussion's JSON bodies, by method and path.
JSON_BODIES = {
    ("post", "/api/v1/competitions/{slug}/threads/"): {"title": "Q", "body": "?"},
    ("post", "/api/v1/competitions/{slug}/threads/{id}/posts/"): {"body": "A reply"},
    ("patch", "/api/v1/competitions/{slug}/posts/{id}/"): {"body": "Edited"},
    ("post", "/api/v1/competitions/{slug}/posts/{id}/answer/"): {"answer": True},
}


def test_every_documented_path_answers(schema, token_client, competition, alice, alice_joined,
                                       olivia, monkeypatch, make_user):
    from rest_framework.throttling import ScopedRateThrottle

    from discussion.services import reply_create, thread_create
    from notifications.models import Notification
    from tests.conftest import scored_upload

    for scope in ("read", "submit", "validate", "discussion", "invite"):
        monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, scope, "1000/min")
    competition.feedback_while_open = "full"  # so that the insight paths answer too
    competition.save(update_fields=["feedback_while_open"])
    submission = scored_upload(competition, alice, perfect_csv())
    assert submission.status == "scored"
    notification = Notification.objects.create(recipient=alice, kind="build_done",
                                               event_key="build:1:done")
    values = {"slug": competition.slug, "name": "sample_submission.csv",
              "id": str(submission.pk), "notification_id": str(notification.pk)}
    queries = {"/api/v1/competitions/{slug}/compare/":
               f"?first={submission.pk}&second={submission.pk}"}
    team_ids, actors = team_world(competition, alice, make_user)
    thread = thread_create(competition=competition, author=alice, title="Q", body="?")
    # One reply is edited and deleted, the other marked as the answer.
    edited, answer = (reply_create(thread=thread, author=alice, body=body).pk
                      for body in ("edit me", "the answer"))
    ids = {**team_ids,
           "/api/v1/competitions/{slug}/threads/{id}/": thread.pk,
           "/api/v1/competitions/{slug}/threads/{id}/posts/": thread.pk,
           "/api/v1/competitions/{slug}/posts/{id}/": edited,
           "/api/v1/competitions/{slug}/posts/{id}/answer/": answer}
    participant, organizer = token_client(alice), token_client(olivia)
    of_user = {user: token_client(user) for user in set(actors.values())}
    clients = {path: of_user[user] for path, user in actors.items()}
    answered = []
    for path, operations in schema["paths"].items():
        url = path
        for name, value in {**values, "id": str(ids.get(path, submission.pk))}.items():
            url = url.replace("{" + name + "}", value)
        assert "{" not in url, path
        url += queries.get(path, "")
        client = organizer if path in STAFF_ONLY else clients.get(path, participant)
        for method in operations:
            if path in BODIES and method in ("post", "patch"):
                response = getattr(client, method)(url, BODIES[path], format="json")
            elif (method, path) in JSON_BODIES:
                response = getattr(client, method)(url, JSON_BODIES[method, path],
                                                   format="json")
            elif method == "post":
                response = client.post(url, {"file": upload(perfect_csv())}, format="multipart")
            else:
                response = getattr(client, method)(url)
            assert response.status_code < 400, (method, url, response.status_code)
            answered.append((method, path))
    assert len(answered) >= 9


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_the_errors_it_can_answer(schema):
    for path, method, operation in operations(schema):
        documented = set(operation["responses"])
        expected = {"401", "429"}  # a bad token anywhere; a rate limit on every view
        if "{" in path or path.endswith("/competitions/"):
            expected.add("404")  # a path that names something, or a page
        if "requestBody" in operation:
            expected |= {"400", "415"}
        if any(parameter["in"] == "query" and parameter["name"] != "page"
               for parameter in operation.get("parameters", [])):
            expected.add("400")
        assert expected <= documented, (method, path, expected - documented)


def test_every_error_is_one_of_the_shared_error_components(schema):
    components = {"#/components/schemas/Error", "#/components/schemas/Invalid"}
    for path, method, operation in operations(schema):
        for status_code, response in operation["responses"].items():
            if status_code >= "400":
                reference = response["content"]["application/json"]["schema"]["$ref"]
                assert reference in components, (method, path, status_code)
                assert response["description"], (method, path, status_code)
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code"}


def test_every_answer_is_typed_by_a_serializer(schema):
    """No free-form object: each JSON answer is a component with its fields listed."""
    for path, method, operation in operations(schema):
        for status_code, response in operation["responses"].items():
            body = response.get("content", {}).get("application/json")
            if status_code < "300" and body is not None:
                assert "$ref" in body["schema"], (method, path, body["schema"])
    components = schema["components"]["schemas"]
    for name in ("Insight", "Examples", "Comparison", "Analytics", "Joined", "History"):
        assert components[name]["properties"], name


def test_query_parameters_have_their_bounds(schema):
    def parameter(path, name):
        return next(p["schema"] for p in schema["paths"][path]["get"]["parameters"]
                    if p["name"] == name)

    top = parameter("/api/v1/competitions/{slug}/leaderboard/", "top")
    assert (top["type"], top["minimum"], top["maximum"]) == ("integer", 1, 1000)
    for name in ("first", "second"):
        bounds = parameter("/api/v1/competitions/{slug}/compare/", name)
        assert bounds["minimum"] == 1 and bounds["maximum"] == 10**18 - 1
    assert parameter("/api/v1/competitions/", "page")["minimum"] == 1
    assert parameter("/api/v1/submissions/{id}/insight/", "rows")["enum"] == [
        "all", "private", "public"]


def test_marking_final_takes_json_with_final_required(schema):
    body = schema["paths"]["/api/v1/submissions/{id}/final/"]["post"]["requestBody"]
    assert list(body["content"]) == ["application/json"]
    assert schema["components"]["schemas"]["FinalMark"]["required"] == ["final"]


def test_uploads_are_documented_as_non_empty_multipart_files(schema):
    for path in ("/api/v1/competitions/{slug}/submissions/",
                 "/api/v1/competitions/{slug}/validate/"):
        content = schema["paths"][path]["post"]["requestBody"]["content"]
        assert list(content) == ["multipart/form-data"], path
        name = content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
        file = schema["components"]["schemas"][name]["properties"]["file"]
        assert (file["format"], file["minLength"]) == ("binary", 1)


def test_the_schema_generates_without_a_single_warning(tmp_path):
    """A warning means an answer or parameter drf-spectacular had to guess."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn",
                 "--file", str(tmp_path / "schema.yaml"))
