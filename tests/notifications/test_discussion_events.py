"""The discussion's events reach the bell and e-mail: an organizer's announcement tells
everyone who joined, a reply tells the thread's author; each once."""

from discussion import services as discussion
from notifications.kinds import Kind
from notifications.models import Notification


def test_an_announcement_tells_every_participant_but_its_author(
        competition, alice, bob, alice_joined, bob_joined, make_user,
        django_capture_on_commit_callbacks):
    from competitions import policy

    teacher = make_user("teacher", is_staff=True)
    policy.make_organizer(teacher, competition)
    with django_capture_on_commit_callbacks(execute=True):
        thread = discussion.thread_create(competition=competition, author=teacher,
                                          title="Two labels fixed", body="Rescored.",
                                          is_announcement=True)
    told = Notification.objects.filter(kind=Kind.ANNOUNCEMENT)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["alice", "bob"]
    assert told.first().text() == "Announcement in Animals 動物: “Two labels fixed”."
    assert told.first().link == f"/c/animals/discussion/{thread.pk}/"


def test_a_question_tells_nobody_and_a_reply_tells_its_author_once(
        competition, alice, bob, alice_joined, bob_joined,
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = discussion.thread_create(competition=competition, author=alice,
                                          title="Same fonts?", body="Are they?")
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        discussion.reply_create(thread=thread, author=bob, body="Yes.")
        discussion.reply_create(thread=thread, author=alice, body="Thanks.")
    [told] = Notification.objects.all()
    assert (told.recipient, told.kind) == (alice, Kind.REPLY)
    assert told.text() == "bob replied in your thread “Same fonts?” in Animals 動物."



def test_an_announcement_hidden_by_the_organizers_leaves_the_bell_and_its_unsent_email(
        competition, alice, bob, alice_joined, bob_joined, make_user, client,
        django_capture_on_commit_callbacks):
    # A hidden thread exists for the organizers only: its title must not stay in the
    # participants' bells, nor go out in the digest e-mail that was still waiting.
    from competitions import policy

    teacher = make_user("teacher", is_staff=True)
    policy.make_organizer(teacher, competition)
    alice.email = "alice@example.com"
    alice.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        thread = discussion.thread_create(competition=competition, author=teacher,
                                          title="Grades of the class, by mistake",
                                          body="…", is_announcement=True)
    assert Notification.objects.filter(kind=Kind.ANNOUNCEMENT).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        discussion.post_hide(post=thread.posts.get(is_opening=True), hidden=True)
    assert not Notification.objects.filter(kind=Kind.ANNOUNCEMENT).exists()
    client.force_login(alice)
    assert "Grades of the class" not in client.get("/notifications/").content.decode()
