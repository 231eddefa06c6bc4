"""Posts and threads name their authors as every other page does: the display name, and
"deleted user" once the account is deleted (the deletion page promises it)."""

from django.urls import reverse

from accounts.deletion import delete_account
from accounts.profiles import profile_of


def test_a_thread_names_its_author_by_display_name(client, question, alice):
    profile = profile_of(alice)
    profile.display_name = "山田 花子"
    profile.save()
    thread_page = client.get(reverse("discussion_thread", args=["animals", question.pk]))
    listing = client.get(reverse("discussion", args=["animals"]))
    for page in (thread_page, listing):
        text = page.content.decode()
        assert "山田 花子" in text and ">alice<" not in text


def test_a_deleted_authors_posts_say_deleted_user_not_the_emptied_username(
        client, question, alice):
    delete_account(user=alice)
    alice.refresh_from_db()
    for url in (reverse("discussion_thread", args=["animals", question.pk]),
                reverse("discussion", args=["animals"])):
        text = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "deleted user" in text and alice.get_username() not in text


def test_an_organizers_post_carries_the_organizer_badge_and_a_learners_does_not(
        client, question, teacher):
    from discussion import services

    services.reply_create(thread=question, author=teacher, body="Yes, held out.")
    page = client.get(reverse("discussion_thread", args=["animals", question.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    teachers_post, learners_post = (page.split('id="post-')[2], page.split('id="post-')[1])
    assert 'data-testid="organizer-badge"' in teachers_post
    assert 'data-testid="organizer-badge"' not in learners_post
