"""Threads and posts of a competition's discussion.

A thread is a title and its posts; the first post is the question (or the announcement)
and the others are replies. Posts are never removed from the database while the thread is
read: an author's delete empties the text and leaves a placeholder, an organizer's hide
keeps the text for the organizers only.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from competitions.models import Competition

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 20_000


class Thread(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE,
                                    related_name="threads", verbose_name=_("competition"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("author"))
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    # An organizer's announcement: pinned above the other threads.
    is_announcement = models.BooleanField(_("announcement"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    # Hidden by the organizers (with its opening post): gone for everyone else.
    is_hidden = models.BooleanField(_("hidden"), default=False)
    answer = models.ForeignKey("Post", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("answer"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_posted_at = models.DateTimeField(_("last post at"), default=timezone.now)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [models.Index(fields=["competition", "-is_announcement", "-last_posted_at"])]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts",
                               verbose_name=_("thread"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("author"))
    body = models.TextField(_("text (Markdown)"), max_length=BODY_MAX_LENGTH)
    is_opening = models.BooleanField(_("opening post"), default=False)
    is_deleted = models.BooleanField(_("deleted"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_answer(self) -> bool:
        return self.thread.answer_id == self.pk

    @property
    def is_shown(self) -> bool:
        """Neither deleted by its author nor hidden by the organizers."""
        return not (self.is_deleted or self.is_hidden)
