"""Send again the scoring of submissions stuck in the queue (broker down, worker killed)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from competitions.models import Submission
from competitions.services import enqueue_scoring


class Command(BaseCommand):
    help = "Requeue submissions queued or scoring for longer than SUBMISSION_REQUEUE_AFTER_SECONDS."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int,
                            default=settings.SUBMISSION_REQUEUE_AFTER_SECONDS,
                            help="seconds a submission must have waited")

    def handle(self, *args, older_than: int, **options):
        cutoff = timezone.now() - timedelta(seconds=older_than)
        stuck = Submission.objects.filter(
            Q(status=Submission.Status.QUEUED, queued_at__lt=cutoff)
            | Q(status=Submission.Status.SCORING, started_at__lt=cutoff))
        count = 0
        for submission in stuck:
            if submission.status == Submission.Status.SCORING:
                submission.mark_queued()
            enqueue_scoring(submission.pk)
            count += 1
        self.stdout.write(f"Requeued {count} submission(s).")
