"""Send again the scoring of submissions stuck in the queue (broker down, worker killed).

Celery beat runs the same sweep every minute (competitions.tasks.requeue_stuck_submissions).
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from competitions.queueing import submissions_requeue_stuck


class Command(BaseCommand):
    help = "Requeue submissions queued or scoring for longer than SUBMISSION_REQUEUE_AFTER_SECONDS."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int,
                            default=settings.SUBMISSION_REQUEUE_AFTER_SECONDS,
                            help="seconds a submission must have waited")

    def handle(self, *args, older_than: int, **options):
        count = submissions_requeue_stuck(older_than_seconds=older_than)
        self.stdout.write(f"Requeued {count} submission(s).")
