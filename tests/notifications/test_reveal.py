"""The private leaderboard's reveal is told to each participant once, with their own
private rank, in their language; never before the reveal."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from notifications.kinds import Kind
from notifications.models import Notification
from notifications.tasks import check_reveals, send_email_digest, tell_reveal
from tests.conftest import scored


def test_each_participant_is_told_their_private_rank_once_even_if_the_reveal_runs_twice(
        ended, alice, bob):
    assert tell_reveal.apply(args=[ended.pk]).get() == 2
    tell_reveal.apply(args=[ended.pk])
    told = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert set(told) == {"alice", "bob"}
    assert told["alice"].params == {"rank": 1, "count": 2, "change": 1}
    assert told["bob"].params == {"rank": 2, "count": 2, "change": -1}
    assert told["alice"].text() == ("The private leaderboard of Animals 動物 is out: you are "
                                    "1 of 2 (up 1 place from the public leaderboard).")


def test_the_reveal_e_mail_is_one_per_participant_in_their_language(ended, alice, bob):
    tell_reveal.apply(args=[ended.pk])
    tell_reveal.apply(args=[ended.pk])
    for user in (alice, bob, alice, bob):
        send_email_digest.apply(args=[user.pk])
    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@example.com", "bob@example.com"]
    by_user = {message.to[0]: message for message in mail.outbox}
    assert "you are 1 of 2" in by_user["alice@example.com"].body
    japanese = by_user["bob@example.com"]
    assert "Private リーダーボード" in japanese.subject
    assert "2 位" in japanese.body and "/notifications/unsubscribe/" in japanese.body
    assert japanese.extra_headers["List-Unsubscribe"].startswith("<http")


def test_nothing_is_told_before_the_reveal(make_competition, alice, bob, alice_joined):
    competition = alice_joined.competition
    scored(alice_joined, 0.5, 0.9)
    assert tell_reveal.apply(args=[competition.pk]).get() == 0
    assert check_reveals.apply().get() == 0
    assert not Notification.objects.exists()


def test_an_organizer_showing_the_private_board_is_found_by_the_periodic_check(
        make_competition, alice, monkeypatch):
    from notifications import tasks

    competition = make_competition(slug="practice", end_at=None, private_leaderboard="shown")
    queued = []
    monkeypatch.setattr(tasks.tell_reveal, "delay", queued.append)
    assert check_reveals.apply().get() == 1
    assert queued == [competition.pk]
    tell_reveal.apply(args=[competition.pk])
    queued.clear()
    assert check_reveals.apply().get() == 0 and queued == []


def test_the_hidden_private_board_is_not_told_even_after_the_end(ended):
    ended.private_leaderboard = "hidden"
    ended.save(update_fields=["private_leaderboard"])
    assert tell_reveal.apply(args=[ended.pk]).get() == 0
    assert not Notification.objects.filter(kind=Kind.PRIVATE_REVEALED).exists()


def test_organizers_previews_are_not_told_a_rank(ended, make_user):
    from competitions import policy
    from competitions.services import join_competition

    olivia = make_user("olivia-teacher", is_staff=True)
    policy.make_organizer(olivia, ended)
    scored(join_competition(competition=ended, user=olivia), 1.0, 1.0,
           minutes_ago=180)
    tell_reveal.apply(args=[ended.pk])
    assert not Notification.objects.filter(recipient=olivia).exists()
    assert timezone.now() - Notification.objects.first().created_at < timedelta(minutes=1)


def test_showing_the_private_board_queues_the_reveal_after_commit(
        make_competition, monkeypatch, django_capture_on_commit_callbacks):
    from notifications import tasks

    competition = make_competition(slug="practice", end_at=None)
    queued = []
    monkeypatch.setattr(tasks.tell_reveal, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        competition.save()
    assert queued == []
    competition.private_leaderboard = "shown"
    with django_capture_on_commit_callbacks(execute=True):
        competition.save()
    assert queued == [competition.pk]


def test_e_mails_whose_task_was_lost_are_sent_by_the_sweep(ended, alice, monkeypatch):
    from notifications import tasks
    from notifications.tasks import sweep_unsent_emails

    tell_reveal.apply(args=[ended.pk])
    queued = []
    monkeypatch.setattr(tasks.send_email_digest, "apply_async",
                        lambda args, countdown: queued.append(args[0]))
    assert sweep_unsent_emails.apply().get() == 0  # not overdue yet
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    assert sweep_unsent_emails.apply().get() == 2
    assert sorted(queued) == sorted([alice.pk, Notification.objects.exclude(
        recipient=alice).get().recipient_id])
