"""Submissions scored per second by 1 and by 2 worker processes, on PostgreSQL and Redis.

Run: .venv/bin/python bench/worker_throughput.py [--submissions 300] [--rounds 3]
     [--workers 1 2]
Without DATABASE_URL and CELERY_BROKER_URL it uses
postgres://postgres@127.0.0.1:5432/kompe_bench (`createdb -h 127.0.0.1 -U postgres
kompe_bench` once; the demo competition is loaded or refreshed in place) and
redis://127.0.0.1:6379/0, on a queue of this run only.

For each worker count: start that many separate `celery worker --pool solo --concurrency 1`
processes, wait until each answers a ping, score a few warm-up submissions, then per round
create --submissions uploads of the demo's sample_submission.csv (2,000 rows) with
`submission_create` inside one transaction, so that all the tasks are published at once
when it commits. The clock starts just before the commit and stops at the last finished_at
the workers save. Prints the median over the rounds in submissions/s, and the median time
a worker spends on one (claimed → saved).
"""

import argparse
import os
import shutil
import statistics
import time

import kompe_stack

DEFAULTS = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/kompe_bench",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}
WAIT_SECONDS = 300


def wait_until_answering(workers, names: list[str]) -> None:
    """Every worker answers a broadcast ping (it is connected and consuming)."""
    from config.celery import app

    deadline = time.monotonic() + 60
    while True:
        answered = {name for reply in app.control.ping(timeout=0.5) for name in reply}
        if all(any(host.startswith(name + "@") for host in answered) for name in names):
            return
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError("a worker exited while starting")
        if time.monotonic() > deadline:
            raise RuntimeError(f"workers not answering: {names}, answered {answered}")


def burst(competition, user, count: int, workers) -> tuple[float, list[float]]:
    """Seconds from publishing `count` tasks at once until the last score is saved, and the
    worker time of each (ms)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.utils import timezone

    from competitions.models import Submission
    from competitions.services import submission_create

    content = kompe_stack.SAMPLE_SUBMISSION.read_bytes()
    with transaction.atomic():  # on_commit: every task is sent when this block ends
        ids = [submission_create(competition=competition, user=user,
                                 file=SimpleUploadedFile("sample_submission.csv", content)).pk
               for _ in range(count)]
        start = timezone.now()
    pending = Submission.objects.filter(pk__in=ids, status__in=[Submission.Status.QUEUED,
                                                                 Submission.Status.SCORING])
    deadline = time.monotonic() + WAIT_SECONDS
    while pending.exists():
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError("a worker exited")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{pending.count()} of {count} still pending")
        time.sleep(0.05)
    rows = list(Submission.objects.filter(pk__in=ids).values_list(
        "status", "started_at", "finished_at"))
    failed = [status for status, _, _ in rows if status != Submission.Status.SCORED]
    if failed:
        raise RuntimeError(f"{len(failed)} of {count} not scored: {set(failed)}")
    last = max(finished for _, _, finished in rows)
    return ((last - start).total_seconds(),
            [(finished - started).total_seconds() * 1000 for _, started, finished in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=4, help="per worker")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    scratch = kompe_stack.setup(DEFAULTS)
    try:
        kompe_stack.prepare_database()
        total = sum(args.warmup * count + args.rounds * args.submissions
                    for count in args.workers)
        competition, user = kompe_stack.bench_participant(total)
        results = []
        for count in args.workers:
            names = [f"bench-throughput-{os.getpid()}-{count}-{number}"
                     for number in range(count)]
            workers = [kompe_stack.start_worker(name) for name in names]
            try:
                wait_until_answering(workers, names)
                burst(competition, user, args.warmup * count, workers)
                rates, worker_ms = [], []
                for _ in range(args.rounds):
                    seconds, each = burst(competition, user, args.submissions, workers)
                    rates.append(args.submissions / seconds)
                    worker_ms.extend(each)
            finally:
                kompe_stack.stop_workers(workers)
            results.append((count, rates, worker_ms))
    finally:
        kompe_stack.drop_queue()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    for count, rates, worker_ms in results:
        print(f"throughput, {count} worker process{'es' if count > 1 else ''} (solo), "
              f"{kompe_stack.describe()}: median={statistics.median(rates):.1f} submissions/s  "
              f"(n={len(rates)} rounds of {args.submissions}; "
              f"rounds {', '.join(f'{rate:.1f}' for rate in rates)})")
        print(f"  worker time per submission (claimed -> saved): "
              f"median={statistics.median(worker_ms):.1f} ms  (n={len(worker_ms)})")


if __name__ == "__main__":
    main()
