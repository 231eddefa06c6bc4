"""What happened in a discussion, for others to act on (the notifications): each is sent
once, after the transaction that made it committed, with the saved objects.

    thread_posted(sender=Thread, thread=...)   a new thread; `thread.is_announcement`
                                               tells an organizer's announcement
    reply_posted(sender=Post, post=...)        a reply in `post.thread`
    answer_marked(sender=Post, post=...)       `post` became its thread's answer
    thread_hidden(sender=Thread, thread=...)   the organizers hid the thread: what was
                                               told of it is withdrawn
"""

from django.dispatch import Signal

thread_posted = Signal()
reply_posted = Signal()
answer_marked = Signal()
thread_hidden = Signal()
