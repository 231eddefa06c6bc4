"""Writing to a discussion. Callers have asked the policy (competitions.policy.discussion)
who may; these functions keep the data's own rules and send the signals after commit."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from competitions.models import Competition

from .models import Post, Thread
from .signals import answer_marked, reply_posted, thread_hidden, thread_posted

NOT_ANSWERABLE = _("Only a reply that is still shown can be the answer.")


class DiscussionRefused(Exception):
    """A request the data's state refuses (not a question of who asks)."""

    def __init__(self, message, code: str):
        super().__init__(str(message))
        self.message, self.code = message, code


@transaction.atomic
def thread_create(*, competition: Competition, author, title: str, body: str,
                  is_announcement: bool = False) -> Thread:
    now = timezone.now()
    thread = Thread.objects.create(competition=competition, author=author, title=title.strip(),
                                   is_announcement=is_announcement, created_at=now,
                                   last_posted_at=now)
    Post.objects.create(thread=thread, author=author, body=body, is_opening=True,
                        created_at=now)
    transaction.on_commit(lambda: thread_posted.send(sender=Thread, thread=thread))
    return thread


@transaction.atomic
def reply_create(*, thread: Thread, author, body: str) -> Post:
    now = timezone.now()
    post = Post.objects.create(thread=thread, author=author, body=body, created_at=now)
    Thread.objects.filter(pk=thread.pk).update(last_posted_at=now)
    transaction.on_commit(lambda: reply_posted.send(sender=Post, post=post))
    return post


def post_edit(*, post: Post, body: str) -> Post:
    post.body, post.edited_at = body, timezone.now()
    post.save(update_fields=["body", "edited_at"])
    return post


@transaction.atomic
def post_delete(*, post: Post) -> Post:
    """The author's delete: the text goes (it was theirs), a placeholder stays so that the
    replies around it still read in order."""
    post.body, post.is_deleted, post.edited_at = "", True, timezone.now()
    post.save(update_fields=["body", "is_deleted", "edited_at"])
    _forget_answer(post)
    return post


@transaction.atomic
def post_hide(*, post: Post, hidden: bool) -> Post:
    """An organizer's hide (or show again). Hiding a thread's opening post hides the
    thread."""
    post.is_hidden = hidden
    post.save(update_fields=["is_hidden"])
    if post.is_opening:
        Thread.objects.filter(pk=post.thread_id).update(is_hidden=hidden)
        post.thread.is_hidden = hidden
        if hidden:
            thread = post.thread
            transaction.on_commit(lambda: thread_hidden.send(sender=Thread, thread=thread))
    if hidden:
        _forget_answer(post)
    return post


def thread_lock(*, thread: Thread, locked: bool) -> Thread:
    thread.is_locked = locked
    thread.save(update_fields=["is_locked"])
    return thread


@transaction.atomic
def answer_mark(*, post: Post) -> Post:
    """Make a shown reply its thread's answer (replacing any earlier one)."""
    thread = Thread.objects.select_for_update().get(pk=post.thread_id)
    if post.is_opening or not post.is_shown:
        raise DiscussionRefused(NOT_ANSWERABLE, code="not_answerable")
    if thread.answer_id != post.pk:
        thread.answer = post
        thread.save(update_fields=["answer"])
        transaction.on_commit(lambda: answer_marked.send(sender=Post, post=post))
    post.thread = thread
    return post


def answer_unmark(*, thread: Thread) -> Thread:
    thread.answer = None
    thread.save(update_fields=["answer"])
    return thread


def answer_choose(*, post: Post, answer: bool) -> Post:
    """What the page and the API ask: make `post` the answer, or stop it being the answer
    (unmarking another reply's answer through this one changes nothing)."""
    if answer:
        return answer_mark(post=post)
    if post.thread.answer_id == post.pk:
        answer_unmark(thread=post.thread)
    return post


def _forget_answer(post: Post) -> None:
    Thread.objects.filter(pk=post.thread_id, answer=post).update(answer=None)
    if post.thread.answer_id == post.pk:
        post.thread.answer = None
