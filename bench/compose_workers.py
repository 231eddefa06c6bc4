"""Scoring throughput of the compose stack with 1, 2 and 3 scoring workers, in the
variant for several worker hosts (docker-compose.s3.yml: files in the bucket, no shared
folder). Each worker runs one process (KOMPE_WORKER_CONCURRENCY=1), so workers are
processes. Needs what `make deploy-images` prepares.

    .venv/bin/python bench/compose_workers.py [--burst 40]

For each number of workers: a burst of uploads of the demo's sample submission through
the web container, then the time from the first upload to the last score (the database's
own timestamps). Prints one line per number of workers; the stack is removed at the end.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.deploy.stack import Stack, prepare_images, upload_burst  # noqa: E402

SLUG = "hiragana-20"


def round_figures(stack: Stack, since_pk: int) -> dict:
    return json.loads(stack.shell(
        "import json; from django.db.models import Max, Min, Count, Q; "
        "from competitions.models import Submission; "
        f"s = Submission.objects.filter(pk__gt={since_pk}); "
        "a = s.aggregate(first=Min('created_at'), last=Max('finished_at'), n=Count('pk'), "
        "done=Count('pk', filter=Q(status='scored')), top=Max('pk')); "
        "print(json.dumps({'seconds': (a['last'] - a['first']).total_seconds() "
        "if a['done'] == a['n'] else None, 'n': a['n'], 'top': a['top']}))"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=40, help="uploads per round")
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
        print(f"image build {built:.0f}s (cached layers), stack start {up:.0f}s")
        stack.manage("load_demo")
        person = stack.browser()
        person.sign_up("bench", "a-long-benchmark-password")
        person.join(SLUG)
        stack.shell("from competitions.models import Competition; Competition.objects.filter("
                    f"slug='{SLUG}').update(daily_submission_limit=1000000)")
        predictions = person.get(f"/c/{SLUG}/data/sample_submission.csv")[1]
        last_pk = 0
        for workers in options.workers:
            stack.compose("up", "-d", "--no-recreate", "--scale", f"worker={workers}")
            stack.wait_for_workers(workers)
            upload_burst(person, SLUG, predictions, options.burst)
            while (figures := round_figures(stack, last_pk))["seconds"] is None:
                time.sleep(2)
            last_pk = figures["top"]
            print(f"{workers} worker(s): {figures['n']} submissions scored in "
                  f"{figures['seconds']:.1f}s = {figures['n'] / figures['seconds']:.1f} "
                  "submissions/s", flush=True)
    finally:
        stack.down(volumes=True)  # its named and anonymous volumes too


if __name__ == "__main__":
    main()
