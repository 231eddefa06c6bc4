"""The discussion API: /api/v1/competitions/{slug}/threads/ and the posts under it."""

import pytest
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from discussion import services
from discussion.models import Post

BASE = "/api/v1/competitions/animals"


@pytest.fixture
def as_user():
    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client
    return make


def test_a_participant_starts_a_thread_and_reads_it_back(as_user, competition, alice,
                                                         alice_joined):
    client = as_user(alice)
    made = client.post(f"{BASE}/threads/", {"title": "フォントは同じ?", "body": "**Same?**"},
                       format="json")
    assert made.status_code == status.HTTP_201_CREATED, made.json()
    thread = made.json()
    assert made["Location"] == thread["url"]
    assert (thread["title"], thread["author"], thread["is_announcement"]) == (
        "フォントは同じ?", "alice", False)
    shown = as_user(None).get(thread["url"]).json()
    assert shown["id"] == thread["id"]
    posts = as_user(None).get(thread["posts_url"]).json()["results"]
    assert [(p["body"], p["html"], p["is_opening"]) for p in posts] == [
        ("**Same?**", "<p><strong>Same?</strong></p>", True)]


def test_reading_needs_nothing_but_posting_needs_a_token_and_joining(
        as_user, question, mallory):
    assert as_user(None).get(f"{BASE}/threads/").json()["count"] == 1
    anonymous = as_user(None).post(f"{BASE}/threads/{question.pk}/posts/", {"body": "hi"},
                                   format="json")
    assert anonymous.status_code == status.HTTP_401_UNAUTHORIZED
    outsider = as_user(mallory).post(f"{BASE}/threads/", {"title": "t", "body": "b"},
                                     format="json")
    assert (outsider.status_code, outsider.json()["code"]) == (403, "not_joined")


def test_only_organizers_announce(as_user, competition, alice, alice_joined, teacher):
    body = {"title": "News", "body": "x", "is_announcement": True}
    refused = as_user(alice).post(f"{BASE}/threads/", body, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "organizers_only")
    assert as_user(teacher).post(f"{BASE}/threads/", body, format="json").json()[
        "is_announcement"]


def test_an_invitation_only_competitions_threads_are_not_found_for_others(
        as_user, make_competition, mallory):
    make_competition(slug="secret", visibility="invite", invite_code="ABC")
    answer = as_user(mallory).get("/api/v1/competitions/secret/threads/")
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")


def test_a_reply_edit_delete_and_answer_round(as_user, question, alice, bob, bob_joined,
                                              teacher):
    replied = as_user(teacher).post(f"{BASE}/threads/{question.pk}/posts/",
                                    {"body": "Yes."}, format="json")
    assert replied.status_code == 201
    reply = replied.json()["id"]
    edited = as_user(bob).patch(f"{BASE}/posts/{reply}/", {"body": "No."}, format="json")
    assert (edited.status_code, edited.json()["code"]) == (403, "not_author")
    assert as_user(teacher).patch(f"{BASE}/posts/{reply}/", {"body": "Yes, the same."},
                                  format="json").json()["body"] == "Yes, the same."
    not_asker = as_user(bob).post(f"{BASE}/posts/{reply}/answer/", {}, format="json")
    assert (not_asker.status_code, not_asker.json()["code"]) == (403, "organizers_only")
    marked = as_user(alice).post(f"{BASE}/posts/{reply}/answer/", {}, format="json")
    assert marked.status_code == 200 and marked.json()["is_answer"]
    assert as_user(alice).get(f"{BASE}/threads/{question.pk}/").json()["answer"] == reply
    opening = question.posts.get(is_opening=True).pk
    conflict = as_user(alice).post(f"{BASE}/posts/{opening}/answer/", {}, format="json")
    assert (conflict.status_code, conflict.json()["code"]) == (409, "not_answerable")
    assert as_user(teacher).delete(f"{BASE}/posts/{reply}/").status_code == 204
    gone = as_user(alice).get(f"{BASE}/posts/{reply}/").json()
    assert (gone["body"], gone["html"], gone["is_deleted"], gone["is_answer"]) == (
        None, None, True, False)


def test_a_locked_thread_refuses_replies_with_its_code(as_user, question, alice, teacher):
    services.thread_lock(thread=question, locked=True)
    refused = as_user(alice).post(f"{BASE}/threads/{question.pk}/posts/", {"body": "x"},
                                  format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "locked")
    assert as_user(teacher).post(f"{BASE}/threads/{question.pk}/posts/", {"body": "x"},
                                 format="json").status_code == 201


def test_a_hidden_posts_text_is_for_the_organizers_only(as_user, question, bob, bob_joined,
                                                        teacher):
    reply = services.reply_create(thread=question, author=bob, body="rude")
    services.post_hide(post=reply, hidden=True)
    for user in (None, bob):
        seen = as_user(user).get(f"{BASE}/posts/{reply.pk}/").json()
        assert (seen["body"], seen["html"], seen["is_hidden"]) == (None, None, True)
    assert as_user(teacher).get(f"{BASE}/posts/{reply.pk}/").json()["body"] == "rude"
    assert as_user(bob).patch(f"{BASE}/posts/{reply.pk}/", {"body": "nice"},
                              format="json").status_code == 403


def test_a_post_of_another_competition_is_not_found_under_this_one(
        as_user, make_competition, question, alice):
    make_competition(slug="other")
    post = question.posts.get().pk
    answer = as_user(alice).get(f"/api/v1/competitions/other/posts/{post}/")
    assert answer.status_code == 404


@pytest.mark.parametrize("body", [{}, {"body": "   "}, {"body": "x" * 20_001}])
def test_an_empty_or_oversized_reply_is_a_400(as_user, question, alice, body):
    answer = as_user(alice).post(f"{BASE}/threads/{question.pk}/posts/", body, format="json")
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid")
    assert "body" in answer.json()
    assert Post.objects.count() == 1


@pytest.mark.parametrize("body", [{"body": 0}, {"body": ["x"]}, {"body": None}])
def test_a_reply_must_be_json_text(as_user, question, alice, body):
    answer = as_user(alice).post(f"{BASE}/threads/{question.pk}/posts/", body, format="json")
    assert answer.status_code == 400


def test_answer_and_announcement_take_json_booleans_only(as_user, question, alice):
    reply = services.reply_create(thread=question, author=alice, body="r")
    refused = as_user(alice).post(f"{BASE}/posts/{reply.pk}/answer/", {"answer": 0},
                                  format="json")
    assert refused.status_code == 400
    assert as_user(alice).post(f"{BASE}/threads/", {"title": "t", "body": "b",
                                                     "is_announcement": 0},
                               format="json").status_code == 400


def test_a_nul_in_a_post_is_read_as_the_replacement_character(as_user, question, alice):
    answer = as_user(alice).post(f"{BASE}/threads/{question.pk}/posts/",
                                 {"body": "nul\x00byte"}, format="json")
    assert answer.status_code == 201 and answer.json()["body"] == "nul\ufffdbyte"
