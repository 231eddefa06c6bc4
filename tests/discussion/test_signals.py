"""The signals the notifications listen to: once per event, after commit."""

import pytest
from django.db import transaction

from discussion import services
from discussion.signals import answer_marked, reply_posted, thread_posted


@pytest.fixture
def heard():
    events = []

    def listener(signal_name):
        def receive(sender, **kwargs):
            events.append((signal_name, kwargs.get("thread") or kwargs.get("post")))
        return receive

    receivers = {thread_posted: listener("thread"), reply_posted: listener("reply"),
                 answer_marked: listener("answer")}
    for signal, receiver in receivers.items():
        signal.connect(receiver)
    yield events
    for signal, receiver in receivers.items():
        signal.disconnect(receiver)


def test_each_event_is_sent_once_after_commit(competition, alice, alice_joined, teacher,
                                              heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        news = services.thread_create(competition=competition, author=teacher, title="News",
                                      body="x", is_announcement=True)
        question = services.thread_create(competition=competition, author=alice,
                                          title="Q", body="?")
        assert heard == []  # nothing before the commit
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply_create(thread=question, author=teacher, body="!")
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_mark(post=reply)
        services.answer_mark(post=reply)  # already the answer: no second event
    assert heard == [("thread", news), ("thread", question), ("reply", reply),
                     ("answer", reply)]
    assert heard[0][1].is_announcement and not heard[1][1].is_announcement


def test_a_rolled_back_post_sends_nothing(competition, alice, alice_joined, heard,
                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.thread_create(competition=competition, author=alice, title="Q", body="?")
            raise RuntimeError
    assert heard == []
