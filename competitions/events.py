"""What happened, for whoever listens (notifications, webhooks): signals sent by the
worker's code after its result is committed. Receivers must not break the sender: they
are sent with send_robust and their errors only logged."""

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

# submission=Submission, rescore=bool (True: a rescore of an earlier result)
submission_finished = Signal()
# run=RescoreRun, once its last submission is done
rescore_finished = Signal()
# build=CompetitionBuild, done or failed
build_finished = Signal()


def announce(signal: Signal, sender, **kwargs) -> None:
    for receiver, result in signal.send_robust(sender, **kwargs):
        if isinstance(result, Exception):
            logger.error("Receiver %s of %s failed", receiver, sender, exc_info=result)
