"""A post is Markdown cleaned exactly as the competition overviews are: whatever its author
writes, it renders harmless, on the page and in the API's `html`."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from discussion import services

HOSTILE = {
    "script": ("<script>alert('owned')</script>Hello", ["<script", "alert('owned')"]),
    "event handler": ('<img src="/c/animals/x.png" onerror="alert(1)">'
                      '<p onclick="alert(2)">hi</p>', ["onerror", "onclick", "alert("]),
    "javascript link": ("[click](javascript:alert(3)) <a href=\"javascript:alert(4)\">b</a>",
                        ["javascript:"]),
    "remote image": ("![tracker](https://evil.example/pixel.png) "
                     '<img src="//evil.example/p.png">', ["evil.example"]),
    "data URL": ('[d](data:text/html;base64,PHNjcmlwdD4=) <img src="data:image/png;base64,AA">'
                 ' <a href="data:text/html,<script>x</script>">e</a>', ["data:"]),
    "style and iframe": ('<style>body{display:none}</style><iframe src="https://e.x"></iframe>'
                         '<b style="color:red">b</b>', ["<style", "<iframe", "style="]),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_post_renders_harmless_on_the_page_and_in_the_api(client, question, alice,
                                                                    kind):
    body, forbidden = HOSTILE[kind]
    reply = services.reply_create(thread=question, author=alice, body=body)
    page = client.get(reverse("discussion_thread", args=["animals", question.pk]))
    article = page.content.decode().split(f'id="post-{reply.pk}"', 1)[1].split("</article>")[0]
    for marker in forbidden:
        assert marker not in article, (kind, marker, article)
    token = Token.objects.create(user=alice).key
    answer = client.get(f"/api/v1/competitions/animals/posts/{reply.pk}/",
                        HTTP_AUTHORIZATION=f"Token {token}").json()
    for marker in forbidden:
        assert marker not in answer["html"], (kind, marker, answer["html"])
    assert answer["body"] == body  # the source as written, for its author to edit


def test_safe_markdown_and_the_competitions_own_images_survive(client, question, alice):
    services.reply_create(thread=question, author=alice, body=(
        "**bold** and `code`\n\n![cat](/c/animals/gallery/1.png) [docs](https://kompe.example/)"))
    page = client.get(reverse("discussion_thread", args=["animals", question.pk]))
    text = page.content.decode()
    assert "<strong>bold</strong>" in text and "<code>code</code>" in text
    assert 'src="/c/animals/gallery/1.png"' in text
    assert 'href="https://kompe.example/"' in text


def test_an_image_of_another_competition_is_dropped(client, question, alice):
    services.reply_create(thread=question, author=alice,
                          body="![x](/c/other-course/gallery/1.png) ![y](../../other/x.png)")
    text = client.get(reverse("discussion_thread", args=["animals", question.pk])
                      ).content.decode()
    assert "other-course" not in text and "other/x.png" not in text
