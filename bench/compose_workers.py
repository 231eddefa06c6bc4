"""Scoring throughput of the compose stack with 1, 2 and 3 scoring workers, in the
variant for several worker hosts (docker-compose.s3.yml: files in the bucket, no shared
folder). Each worker runs one process (KOMPE_WORKER_CONCURRENCY=1), so workers are
processes. Needs what `make deploy-images` prepares.

    .venv/bin/python bench/compose_workers.py [--burst 300]

For each number of workers: the workers stop taking from the queue (Celery's
cancel_consumer), a burst of submissions of the demo's sample submission (2,000 rows) is
stored in the bucket and queued by the service that uploads use, then every worker starts
taking at once (add_consumer); the throughput is the burst over the time from the first
claim to the last score (the database's own timestamps). The stack is removed at the end.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.deploy.stack import Stack, prepare_images  # noqa: E402

SLUG = "hiragana-20"
QUEUE = "kompe"

CREATE = """
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from competitions.models import Competition
from competitions.services import submission_create
competition = Competition.objects.get(slug='{slug}')
user = get_user_model().objects.get(username='bench')
data = open('demo/hiragana-20/sample_submission.csv', 'rb').read()
for _ in range({count}):
    last = submission_create(competition=competition, user=user,
                             file=SimpleUploadedFile('predictions.csv', data, 'text/csv'))
print(last.pk)
"""

FIGURES = """
import json
from django.db.models import Count, Max, Min, Q
from competitions.models import Submission
a = Submission.objects.filter(pk__gt={after}).aggregate(
    first=Min('started_at'), last=Max('finished_at'), n=Count('pk'),
    done=Count('pk', filter=Q(status__in=['scored', 'failed'])),
    scored=Count('pk', filter=Q(status='scored')))
print(json.dumps({{'seconds': (a['last'] - a['first']).total_seconds()
                   if a['done'] == a['n'] else None, 'n': a['n'], 'scored': a['scored']}}))
"""


def control(stack: Stack, command: str) -> None:
    stack.compose("exec", "-T", "web", "celery", "-A", "config", "control", command, QUEUE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=300, help="submissions per round")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    options = parser.parse_args()

    prepare_images()
    stack = Stack(files=("docker-compose.yml", "docker-compose.s3.yml"),
                  extra_env={"KOMPE_WORKER_CONCURRENCY": "1"})
    try:
        started = time.monotonic()
        stack.build()
        built = time.monotonic() - started
        up = stack.up("--scale", f"worker={options.workers[0]}")
        print(f"image build {built:.0f}s (cached layers), stack start {up:.0f}s", flush=True)
        stack.manage("load_demo")
        person = stack.browser()
        person.sign_up("bench", "a-long-benchmark-password")
        person.join(SLUG)
        stack.shell("from competitions.models import Competition; Competition.objects.filter("
                    f"slug='{SLUG}').update(daily_submission_limit=1000000)")
        last_pk = 0
        for workers in options.workers:
            stack.compose("up", "-d", "--no-recreate", "--scale", f"worker={workers}")
            stack.wait_for_workers(workers)
            control(stack, "cancel_consumer")
            queued = time.monotonic()
            top = int(stack.shell(CREATE.format(slug=SLUG, count=options.burst)))
            queued = time.monotonic() - queued
            control(stack, "add_consumer")
            while (figures := json.loads(stack.shell(FIGURES.format(after=last_pk))))[
                    "seconds"] is None:
                time.sleep(2)
            last_pk = top
            print(f"{workers} worker(s): {figures['scored']}/{figures['n']} scored in "
                  f"{figures['seconds']:.1f}s = {figures['n'] / figures['seconds']:.1f} "
                  f"submissions/s (the burst was stored and queued in {queued:.0f}s)",
                  flush=True)
    finally:
        stack.down(volumes=True)  # its named and anonymous volumes too


if __name__ == "__main__":
    main()
