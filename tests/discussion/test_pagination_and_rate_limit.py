"""Long discussions come a page at a time; posting is rate-limited per user."""

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.throttling import ScopedRateThrottle

from discussion import services
from discussion.models import Post, Thread
from discussion.views import POSTS_PER_PAGE, THREADS_PER_PAGE


def test_threads_and_posts_come_a_page_at_a_time(client, competition, alice, alice_joined):
    for number in range(THREADS_PER_PAGE + 3):
        thread = services.thread_create(competition=competition, author=alice,
                                        title=f"Thread {number:02d}", body="x")
    listing = reverse("discussion", args=["animals"])
    first = client.get(listing).content.decode()
    assert first.count('data-testid="thread-row"') == THREADS_PER_PAGE
    assert "Thread 22" in first and "Thread 00" not in first
    second = client.get(listing + "?page=2").content.decode()
    assert second.count('data-testid="thread-row"') == 3 and "Thread 00" in second
    for number in range(POSTS_PER_PAGE + 1):
        services.reply_create(thread=thread, author=alice, body=f"Reply number {number}")
    url = reverse("discussion_thread", args=["animals", thread.pk])
    assert client.get(url).content.decode().count('data-testid="post"') == POSTS_PER_PAGE
    last = client.get(url + "?page=2").content.decode()
    assert last.count('data-testid="post"') == 2 and f"Reply number {POSTS_PER_PAGE}" in last


def test_a_reply_leads_to_the_page_it_is_on(client, question, alice):
    for number in range(POSTS_PER_PAGE):
        services.reply_create(thread=question, author=alice, body=f"r{number}")
    client.force_login(alice)
    response = client.post(reverse("discussion_thread", args=["animals", question.pk]),
                           {"body": "the last word"})
    post = Post.objects.get(body="the last word")
    assert response["Location"].endswith(f"?page=2#post-{post.pk}")


def test_the_api_pages_threads_and_posts_like_its_other_lists(client, question, alice,
                                                              monkeypatch):
    from competitions.api.pagination import Pages

    monkeypatch.setattr(Pages, "page_size", 2)
    for number in range(2):
        services.thread_create(competition=question.competition, author=alice,
                               title=f"T{number}", body="x")
        services.reply_create(thread=question, author=alice, body=f"r{number}")
    page = client.get("/api/v1/competitions/animals/threads/").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    posts = client.get(f"/api/v1/competitions/animals/threads/{question.pk}/posts/?page=2")
    assert [post["body"] for post in posts.json()["results"]] == ["r1"]


def test_posting_too_often_is_refused_with_a_clear_message_on_page_and_api(
        client, question, alice, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "discussion", "2/min")
    client.force_login(alice)
    url = reverse("discussion_thread", args=["animals", question.pk])
    assert client.post(url, {"body": "one"}).status_code == 302
    new = reverse("discussion_new", args=["animals"])
    assert client.post(new, {"title": "two", "body": "two"}).status_code == 302
    refused = client.post(url, {"body": "three"})
    assert refused.status_code == 400
    assert "You are posting too often: try again in" in refused.content.decode()
    token = Token.objects.create(user=alice).key
    api = client.post(f"/api/v1/competitions/animals/threads/{question.pk}/posts/",
                      {"body": "four"}, content_type="application/json",
                      HTTP_AUTHORIZATION=f"Token {token}")
    assert api.status_code == 429 and api.json()["code"] == "throttled"
    assert int(api["Retry-After"]) > 0
    assert not Post.objects.filter(body__in=["three", "four"]).exists()
    assert Thread.objects.count() == 2


def test_the_limit_is_per_user(client, question, alice, bob, bob_joined, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "discussion", "1/min")
    url = reverse("discussion_thread", args=["animals", question.pk])
    client.force_login(alice)
    client.post(url, {"body": "alice once"})
    client.force_login(bob)
    assert client.post(url, {"body": "bob once"}).status_code == 302
