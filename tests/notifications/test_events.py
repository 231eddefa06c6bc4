"""Who is told what, for each kind of event, and the digest e-mail."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from competitions.models import Submission
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.tasks import send_email_digest
from tests.conftest import SOLUTION_CSV, deliver, perfect_csv, scored_upload


def _with_email(user):
    user.email = f"{user.username}@example.com"
    user.save(update_fields=["email"])
    return user


def test_a_score_that_arrives_within_seconds_of_the_upload_is_not_told(
        competition, alice, alice_joined):
    scored_upload(competition, alice, perfect_csv())
    assert not Notification.objects.exists()


def test_a_score_that_waited_in_the_queue_is_told_with_the_public_score_only(
        competition, alice, alice_joined, scoring_messages,
        django_capture_on_commit_callbacks):
    from competitions.services import submission_create
    from tests.conftest import upload

    with django_capture_on_commit_callbacks(execute=True):
        submission = submission_create(competition=competition, user=alice,
                                       file=upload(perfect_csv(), "予測.csv"))
    Submission.objects.filter(pk=submission.pk).update(
        created_at=timezone.now() - timedelta(minutes=5))
    deliver(scoring_messages)
    notification = Notification.objects.get()
    assert notification.kind == Kind.SUBMISSION_SCORED
    assert notification.recipient == alice
    assert notification.text() == ("Your submission “予測.csv” to Animals 動物 was scored: "
                                   "public score 1.00000.")
    assert "private" not in str(notification.params)
    assert not notification.email_wanted  # scored: e-mail is opt-in


def test_a_failed_file_that_waited_is_told_and_e_mailed(
        competition, alice, alice_joined, scoring_messages,
        django_capture_on_commit_callbacks):
    from competitions.services import submission_create
    from tests.conftest import upload

    _with_email(alice)
    with django_capture_on_commit_callbacks(execute=True):
        submission = submission_create(competition=competition, user=alice,
                                       file=upload(b"id,label\nnope,x\n"))
    Submission.objects.filter(pk=submission.pk).update(
        created_at=timezone.now() - timedelta(minutes=5))
    deliver(scoring_messages)
    notification = Notification.objects.get()
    assert notification.kind == Kind.SUBMISSION_FAILED and notification.email_wanted
    send_email_digest.apply(args=[alice.pk])
    assert len(mail.outbox) == 1 and "could not be scored" in mail.outbox[0].body


def test_a_rescore_that_changes_the_public_rank_tells_each_changed_team_once(
        competition, alice, bob, alice_joined, bob_joined, scoring_messages,
        django_capture_on_commit_callbacks):
    from competitions.rescoring import solution_replace
    from competitions.services import submission_create
    from tests.conftest import TRUE_LABELS, submission_csv, upload

    with django_capture_on_commit_callbacks(execute=True):
        submission_create(competition=competition, user=alice, file=upload(perfect_csv()))
        submission_create(competition=competition, user=bob, file=upload(
            submission_csv(["ねこ"] + TRUE_LABELS[1:])))
    deliver(scoring_messages)
    assert not Notification.objects.exists()  # scored at once: not told
    # The fixed solution says the first image is a cat: bob moves ahead of alice.
    fixed = SOLUTION_CSV.replace("img_01.png,いぬ,Public".encode(),
                                 "img_01.png,ねこ,Public".encode())
    with django_capture_on_commit_callbacks(execute=True):
        run = solution_replace(competition=competition, content=fixed)
    deliver(scoring_messages)
    told = {n.recipient.username: n.params for n in Notification.objects.filter(
        kind=Kind.RESCORED)}
    assert told == {"alice": {"old_score": 1.0, "new_score": 0.75, "old_rank": 1,
                              "new_rank": 2},
                    "bob": {"old_score": 0.75, "new_score": 1.0, "old_rank": 2,
                            "new_rank": 1}}
    from notifications.events import rescore_finished

    run.refresh_from_db()
    rescore_finished(run)  # told again: nothing new
    assert Notification.objects.count() == 2


def test_a_community_build_tells_its_host(build, alice):
    from tests.imagezips import folder_zip

    done = build(alice, folder_zip())
    notification = Notification.objects.get(recipient=alice)
    assert notification.kind == (Kind.BUILD_DONE if done.status == "done" else Kind.BUILD_FAILED)
    assert notification.link == f"/host/builds/{done.pk}/"


def test_many_events_at_once_become_one_digest_e_mail(ended, alice):
    from notifications.services import Tell, notify

    _with_email(alice)
    notify(kind=Kind.BUILD_FAILED, event_key="build:1:failed", tells=[Tell(alice, {
        "title": "Bugs"})])
    from notifications.tasks import tell_reveal

    tell_reveal.apply(args=[ended.pk])
    send_email_digest.apply(args=[alice.pk])
    send_email_digest.apply(args=[alice.pk])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Kompe: 2 new notifications"
    assert "The build of your competition “Bugs” failed" in message.body
    assert "The private leaderboard of Animals 動物 is out" in message.body
    assert message.body.count("/notifications/unsubscribe/") == 2


def test_a_kind_turned_off_is_shown_in_the_site_but_not_e_mailed(ended, alice, client):
    from notifications.tasks import tell_reveal

    client.force_login(alice)
    client.post("/notifications/settings/", {
        kind.value: "on" for kind in Kind if kind != Kind.PRIVATE_REVEALED})
    tell_reveal.apply(args=[ended.pk])
    send_email_digest.apply(args=[alice.pk])
    assert Notification.objects.filter(recipient=alice).exists()
    assert [m.to for m in mail.outbox] == []


def test_nobody_is_told_about_a_competition_they_may_not_see(make_competition, alice):
    from notifications.services import Tell, notify

    hidden = make_competition(slug="draft", is_published=False)
    notify(kind=Kind.ANNOUNCEMENT, event_key="announcement:1", competition=hidden,
           tells=[Tell(alice, {"thread": "x"})])
    assert not Notification.objects.exists()
