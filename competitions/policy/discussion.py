"""Who may read and write a competition's discussion.

- Reading: whoever may see the competition (`competition_for`: invitation-only and
  unpublished ones included, for the people who may open them). Threads hidden by the
  organizers exist for the organizers only; a hidden post's text is for them only.
- Posting (a thread or a reply): signed in, and joined or organizing the competition, so
  that a public competition's discussion is written by the people taking part.
  Announcements (pinned threads) are the organizers'; locked threads take replies from the
  organizers only.
- A post's author edits and deletes it (editing not in a locked thread); organizers hide
  posts and lock threads. The thread's author or an organizer marks one reply as the answer.

Discussion models are imported inside the functions: this package loads with the
competitions app, before the discussion app.
"""

from django.db.models import QuerySet

from ..models import Competition
from .competitions import participation_required
from .errors import (
    ANSWER_CHOOSER,
    Hidden,
    Locked,
    NotAuthor,
    OrganizersOnly,
    Refusal,
    SignInRequired,
)
from .people import organizes


def visible_threads(user, competition: Competition) -> QuerySet:
    """The threads of a competition (already asked of `competition_for`) this user sees,
    announcements first, then the most recently active."""
    threads = competition.threads.select_related("author__profile")
    if not organizes(user, competition):
        threads = threads.filter(is_hidden=False)
    return threads.order_by("-is_announcement", "-last_posted_at", "-pk")


def thread_for(user, competition: Competition, pk: int):
    thread = visible_threads(user, competition).filter(pk=pk).first()
    if thread is None:
        raise Hidden()
    return thread


def post_for(user, competition: Competition, pk: int):
    """A post of a thread this user sees, with its thread (Hidden otherwise)."""
    from discussion.models import Post

    post = (Post.objects.select_related("thread", "author")
            .filter(pk=pk, thread__in=visible_threads(user, competition)).first())
    if post is None:
        raise Hidden()
    return post


def may_post(user, competition: Competition) -> bool:
    try:
        posting_required(user, competition)
    except Refusal:
        return False
    return True


def posting_required(user, competition: Competition) -> None:
    """Signed in, and an organizer or a participant (SignInRequired or NotJoined)."""
    if not user.is_authenticated:
        raise SignInRequired(competition=competition)
    if not organizes(user, competition):
        participation_required(competition, user)


def may_announce(user, competition: Competition) -> bool:
    return organizes(user, competition)


def announcing_required(user, competition: Competition) -> None:
    if not may_announce(user, competition):
        raise OrganizersOnly(competition=competition)


def replying_required(user, thread) -> None:
    competition = thread.competition
    posting_required(user, competition)
    if thread.is_locked and not organizes(user, competition):
        raise Locked(competition=competition)


def editing_required(user, post) -> None:
    """The author of a post that is still theirs to change: not deleted, not hidden by the
    organizers, not in a locked thread (unless they organize)."""
    competition = post.thread.competition
    if not user.is_authenticated:
        raise SignInRequired(competition=competition)
    if post.author_id != user.pk or post.is_deleted or post.is_hidden:
        raise NotAuthor(competition=competition)
    if post.thread.is_locked and not organizes(user, competition):
        raise Locked(competition=competition)


def deleting_required(user, post) -> None:
    competition = post.thread.competition
    if not user.is_authenticated:
        raise SignInRequired(competition=competition)
    if post.author_id != user.pk or post.is_deleted:
        raise NotAuthor(competition=competition)


def may_choose_answer(user, thread) -> bool:
    return bool(user.is_authenticated and (thread.author_id == user.pk
                                           or organizes(user, thread.competition)))


def answer_choosing_required(user, thread) -> None:
    if not user.is_authenticated:
        raise SignInRequired(competition=thread.competition)
    if not may_choose_answer(user, thread):
        raise OrganizersOnly(ANSWER_CHOOSER, competition=thread.competition)


def moderation_required(user, competition: Competition) -> None:
    """Hiding posts and locking threads: the organizers'."""
    if not user.is_authenticated:
        raise SignInRequired(competition=competition)
    if not organizes(user, competition):
        raise OrganizersOnly(competition=competition)


def shown_body(user, post) -> str | None:
    """The text of a post this user may read: none of a deleted post, and a hidden post's
    only for the organizers."""
    if post.is_deleted:
        return None
    if post.is_hidden and not organizes(user, post.thread.competition):
        return None
    return post.body
