"""Time from an accepted upload to its saved score, through a real worker and broker.

Run: .venv/bin/python bench/submit_to_score.py [--submissions 200] [--warmup 5]
With no environment it uses a throw-away SQLite file and the filesystem broker (the
`make demo` set-up); set DATABASE_URL and CELERY_BROKER_URL to measure PostgreSQL and Redis
(a scratch database, e.g. `createdb -h 127.0.0.1 -U postgres kompe_bench`: the demo
competition is loaded into it, or refreshed in place if it is there already):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kompe_bench \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/submit_to_score.py

One warm worker (solo pool) on a queue of this run only. The demo's sample_submission.csv
(2,000 rows) is uploaded with `submission_create`, one at a time, each once the previous
one is scored; the first --warmup are not counted (the worker's first task loads the
solution). Latency: from just before `submission_create` to the finished_at the worker
saved with the score (no polling delay in it). Prints p50, p99 and max, and the medians
of its parts: accept (submission_create: file, row, publish), pickup (returned → the
worker claimed it), scoring (claimed → saved, in the worker).
"""

import argparse
import os
import shutil
import statistics
import time

import kompe_stack

WAIT_SECONDS = 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    scratch = kompe_stack.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from competitions.models import Submission
    from competitions.services import submission_create

    workers = []
    try:
        kompe_stack.prepare_database()
        competition, user = kompe_stack.bench_participant(args.warmup + args.submissions)
        content = kompe_stack.SAMPLE_SUBMISSION.read_bytes()
        workers.append(kompe_stack.start_worker(f"bench-latency-{os.getpid()}"))

        def submit_and_wait() -> tuple[Submission, object, object]:
            started = timezone.now()
            upload = SimpleUploadedFile("sample_submission.csv", content)
            submission = submission_create(competition=competition, user=user, file=upload)
            returned = timezone.now()
            deadline = time.monotonic() + WAIT_SECONDS
            while True:
                submission.refresh_from_db(fields=["status", "started_at", "finished_at"])
                if not submission.is_pending:
                    break
                if workers[0].poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"submission {submission.pk} not scored: is the worker up?")
                time.sleep(0.005)
            if submission.status != Submission.Status.SCORED:
                raise RuntimeError(f"submission {submission.pk} {submission.status}")
            return submission, started, returned

        for _ in range(args.warmup):  # the first one also waits for the worker to start
            submit_and_wait()
        totals, accepts, pickups, scorings = [], [], [], []
        for _ in range(args.submissions):
            submission, started, returned = submit_and_wait()
            totals.append((submission.finished_at - started).total_seconds() * 1000)
            accepts.append((returned - started).total_seconds() * 1000)
            pickups.append((submission.started_at - returned).total_seconds() * 1000)
            scorings.append((submission.finished_at - submission.started_at)
                            .total_seconds() * 1000)
    finally:
        kompe_stack.stop_workers(workers)
        kompe_stack.drop_queue()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    totals.sort()
    print(f"upload accepted -> score saved, {kompe_stack.describe()}, one warm worker: "
          f"p50={statistics.median(totals):.1f} ms  "
          f"p99={kompe_stack.percentile(totals, 0.99):.1f} ms  "
          f"max={totals[-1]:.1f} ms  (n={len(totals)})")
    print(f"  of which (medians): accept={statistics.median(accepts):.1f} ms  "
          f"pickup={statistics.median(pickups):.1f} ms  "
          f"scoring in the worker={statistics.median(scorings):.1f} ms  (n={len(totals)})")


if __name__ == "__main__":
    main()
