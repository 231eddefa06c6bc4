"""Where notifications and webhooks plug into the rest of Kompe: the competitions app's
events (competitions/events.py), a competition saved with its private board shown, and,
when those apps are installed, the discussion's and the teams' signals."""

import logging

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from competitions import events as competition_events
from competitions import signals as competition_signals
from competitions.models import Competition

from . import events, webhooks
from .models import RevealNotice

logger = logging.getLogger(__name__)


@receiver(competition_events.submission_finished)
def on_submission_finished(sender, submission, rescore: bool, **kwargs) -> None:
    events.submission_finished(submission, rescore=rescore)
    if not rescore:
        webhooks.submission_scored(submission)


@receiver(competition_events.rescore_finished)
def on_rescore_finished(sender, run, **kwargs) -> None:
    events.rescore_finished(run)


@receiver(competition_events.build_finished)
def on_build_finished(sender, build, **kwargs) -> None:
    events.build_finished(build)


@receiver(post_save, sender=Competition)
def on_competition_saved(sender, instance: Competition, **kwargs) -> None:
    """An organizer showing the private board in the admin is told within seconds; the
    end of a competition is found by the periodic check_reveals."""
    if (instance.private_board_revealed()
            and not RevealNotice.objects.filter(competition=instance).exists()):
        from .tasks import tell_reveal

        competition_id = instance.pk
        transaction.on_commit(lambda: _queue_reveal(tell_reveal, competition_id))


def _queue_reveal(task, competition_id: int) -> None:
    try:
        task.delay(competition_id)
    except Exception:  # check_reveals finds it within a minute
        logger.warning("Reveal of competition %s not queued", competition_id, exc_info=True)


# Other apps' signals, when they are there: discussion.signals.thread_posted(sender,
# thread), reply_posted(sender, post), and competitions.signals.team_invitation_created(
# sender, invitation) and team_invitation_answered(sender, invitation). They are sent with
# send() after their commit: a failure here must not turn the poster's saved reply into an
# error page, so it is logged instead.
def _safely(tell, argument: str):
    def receive(sender, **kwargs) -> None:
        try:
            tell(kwargs[argument])
        except Exception:
            logger.exception("Notifying %s failed", tell.__name__)
    return receive


if apps.is_installed("discussion"):
    from discussion import signals as discussion_signals

    discussion_signals.thread_posted.connect(
        _safely(events.thread_posted, "thread"), weak=False,
        dispatch_uid="notifications.thread_posted")
    discussion_signals.reply_posted.connect(
        _safely(events.reply_posted, "post"), weak=False,
        dispatch_uid="notifications.reply_posted")
    discussion_signals.thread_hidden.connect(
        _safely(events.thread_hidden, "thread"), weak=False,
        dispatch_uid="notifications.thread_hidden")
if hasattr(competition_signals, "team_invitation_created"):
    competition_signals.team_invitation_created.connect(
        _safely(events.team_invitation_created, "invitation"), weak=False,
        dispatch_uid="notifications.team_invitation_created")
if hasattr(competition_signals, "team_invitation_answered"):
    competition_signals.team_invitation_answered.connect(
        _safely(events.team_invitation_answered, "invitation"), weak=False,
        dispatch_uid="notifications.team_invitation_answered")
