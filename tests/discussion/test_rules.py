"""Who may read and write a competition's discussion, on the pages."""

from django.urls import reverse

from competitions.models import Visibility
from competitions.services import join_competition
from discussion import services
from discussion.models import Post, Thread


def thread_url(thread) -> str:
    return reverse("discussion_thread", args=[thread.competition.slug, thread.pk])


def test_anyone_who_may_see_the_competition_reads_its_discussion(client, question):
    page = client.get(reverse("discussion", args=["animals"]))
    assert page.status_code == 200 and "Same fonts in the test set?" in page.content.decode()
    assert "Are they?" in client.get(thread_url(question)).content.decode()


def test_an_invitation_only_discussion_exists_only_for_its_people(
        client, make_competition, alice, mallory):
    secret = make_competition(slug="secret", visibility=Visibility.INVITE, invite_code="ABC")
    join_competition(competition=secret, user=alice)
    thread = services.thread_create(competition=secret, author=alice, title="Invited only",
                                    body="Psst")
    assert client.get(thread_url(thread)).status_code == 404
    client.force_login(mallory)
    assert client.get(reverse("discussion", args=["secret"])).status_code == 404
    assert client.get(thread_url(thread)).status_code == 404
    client.force_login(alice)
    assert "Psst" in client.get(thread_url(thread)).content.decode()


def test_posting_needs_signing_in_and_joining_or_organizing(
        client, competition, alice, mallory, teacher):
    new = reverse("discussion_new", args=["animals"])
    assert client.get(new)["Location"].startswith(reverse("login"))
    client.force_login(mallory)
    refused = client.post(new, {"title": "Hi", "body": "x"})
    assert refused["Location"] == reverse("competition_overview", args=["animals"])
    join_competition(competition=competition, user=alice)
    for user in (alice, teacher):
        client.force_login(user)
        assert client.post(new, {"title": f"From {user}", "body": "x"}).status_code == 302
    assert set(Thread.objects.values_list("title", flat=True)) == {"From alice",
                                                                   "From teacher"}


def test_only_organizers_announce_and_announcements_are_pinned_on_top(
        client, competition, alice, alice_joined, teacher):
    new = reverse("discussion_new", args=["animals"])
    client.force_login(alice)
    client.post(new, {"title": "Not pinned", "body": "x", "is_announcement": "on"})
    assert not Thread.objects.get(title="Not pinned").is_announcement
    client.force_login(teacher)
    client.post(new, {"title": "Rescored", "body": "Two labels were wrong.",
                      "is_announcement": "on"})
    services.thread_create(competition=competition, author=alice, title="Newest", body="x")
    text = client.get(reverse("discussion", args=["animals"])).content.decode()
    assert text.index("Rescored") < text.index("Newest") < text.index("Not pinned")


def test_replies_go_to_the_thread_and_a_reply_is_marked_as_the_answer_by_the_asker(
        client, question, alice, bob, bob_joined, teacher):
    client.force_login(teacher)
    client.post(thread_url(question), {"body": "Yes, the same fonts."})
    reply = Post.objects.get(body="Yes, the same fonts.")
    answer = reverse("discussion_post_answer", args=["animals", reply.pk])
    client.force_login(bob)
    assert client.post(answer).status_code == 403
    client.force_login(alice)
    assert client.post(answer).status_code == 302
    question.refresh_from_db()
    assert question.answer == reply
    assert 'data-testid="answer-badge"' in client.get(thread_url(question)).content.decode()
    client.post(answer, {"answer": "0"})
    question.refresh_from_db()
    assert question.answer is None


def test_the_opening_post_cannot_be_the_answer(client, question, alice):
    opening = question.posts.get()
    client.force_login(alice)
    client.post(reverse("discussion_post_answer", args=["animals", opening.pk]))
    question.refresh_from_db()
    assert question.answer is None


def test_authors_edit_and_delete_their_own_posts_only(client, question, alice, bob,
                                                      bob_joined):
    opening = question.posts.get()
    edit = reverse("discussion_post_edit", args=["animals", opening.pk])
    delete = reverse("discussion_post_delete", args=["animals", opening.pk])
    client.force_login(bob)
    assert client.post(edit, {"body": "vandalised"}).status_code == 403
    assert client.post(delete).status_code == 403
    client.force_login(alice)
    assert client.post(edit, {"body": "Are they the same fonts?"}).status_code == 302
    opening.refresh_from_db()
    assert opening.body == "Are they the same fonts?" and opening.edited_at
    services.reply_create(thread=question, author=bob, body="Good question")
    assert client.post(delete).status_code == 302
    opening.refresh_from_db()
    assert opening.is_deleted and opening.body == ""
    page = client.get(thread_url(question)).content.decode()
    assert "This post was deleted by its author." in page and "Good question" in page
    assert "Are they the same fonts?" not in page
    assert client.post(edit, {"body": "back"}).status_code == 403


def test_organizers_hide_posts_from_everyone_else(client, question, bob, bob_joined, teacher):
    reply = services.reply_create(thread=question, author=bob, body="rude words")
    hide = reverse("discussion_post_hide", args=["animals", reply.pk])
    client.force_login(bob)
    assert client.post(hide).status_code == 403
    client.force_login(teacher)
    assert client.post(hide).status_code == 302
    assert "rude words" in client.get(thread_url(question)).content.decode()
    client.force_login(bob)
    page = client.get(thread_url(question)).content.decode()
    assert "rude words" not in page and "This post was hidden by the organizers." in page
    client.logout()
    assert "rude words" not in client.get(thread_url(question)).content.decode()


def test_hiding_the_opening_post_hides_the_thread(client, question, alice, teacher):
    client.force_login(teacher)
    client.post(reverse("discussion_post_hide", args=["animals", question.posts.get().pk]))
    assert client.get(thread_url(question)).status_code == 200
    client.force_login(alice)
    assert client.get(thread_url(question)).status_code == 404
    assert question.title not in client.get(
        reverse("discussion", args=["animals"])).content.decode()


def test_a_locked_thread_takes_replies_from_organizers_only(client, question, alice, teacher):
    lock = reverse("discussion_lock", args=["animals", question.pk])
    client.force_login(alice)
    assert client.post(lock).status_code == 403
    client.force_login(teacher)
    client.post(lock)
    assert client.post(thread_url(question), {"body": "Closing this."}).status_code == 302
    client.force_login(alice)
    assert client.post(thread_url(question), {"body": "But!"}).status_code == 403
    assert not Post.objects.filter(body="But!").exists()
    assert 'data-testid="post-reply"' not in client.get(thread_url(question)).content.decode()


def test_the_discussion_tab_speaks_japanese(client, question):
    page = client.get(reverse("discussion", args=["animals"]), HTTP_ACCEPT_LANGUAGE="ja")
    assert "ディスカッション" in page.content.decode()
