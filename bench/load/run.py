"""Load benchmark: the production shape on loopback — gunicorn (gunicorn.conf.py, 3 sync
workers), a Celery worker (prefork, 2 processes), beat, a Redis of its own — against
PostgreSQL, driven by locust (headless, bounded time) at 50 and 150 users. Prints
the upload burst rate (uploads/s accepted with no worker running) and the time the
worker then takes to drain that backlog, and, per number of users, requests/s and
p50/p95/p99 per endpoint, and upload → scored.

    createdb -h 127.0.0.1 -U postgres kompe_bench_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kompe_bench_load \\
        .venv/bin/python bench/load/run.py [--seconds 30] [--users 50 150] [--burst-seconds 10]

The load generator shares the machine: compare figures from one run.
"""

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import kompe_stack  # noqa: E402

PARTICIPANTS = 20
# The burst: every participant uploads back to back from a thread of its own.
BURST_THREADS = PARTICIPANTS


def participants(slug: str) -> list[str]:
    """PARTICIPANTS joined users with API tokens; the competition's daily limit out of the
    way."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from competitions.models import Competition
    from competitions.services import join_competition

    competition = Competition.objects.get(slug=slug)
    competition.daily_submission_limit = kompe_stack.UNLIMITED
    competition.save(update_fields=["daily_submission_limit"])
    tokens = []
    for number in range(PARTICIPANTS):
        user, _ = get_user_model().objects.get_or_create(username=f"load{number:02d}")
        join_competition(competition=competition, user=user)
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    return tokens


def run_locust(url: str, users: int, seconds: int, tokens: list[str], folder: Path) -> Path:
    prefix = folder / f"u{users}"
    with (folder / f"locust-u{users}.log").open("wb") as log:
        subprocess.run(
            [str(Path(sys.executable).with_name("locust")),
             "-f", str(ROOT / "bench/load/locustfile.py"),
             "--headless", "--users", str(users), "--spawn-rate", str(max(1, users // 5)),
             "--run-time", f"{seconds}s", "--host", url, "--csv", str(prefix),
             "--only-summary", "--loglevel", "WARNING"],
            env={**os.environ, "KOMPE_BENCH_SLUG": "hiragana-20",
                 "KOMPE_BENCH_TOKENS": ",".join(tokens),
                 "KOMPE_BENCH_FILE": str(kompe_stack.SAMPLE_SUBMISSION)},
            cwd=ROOT, check=False, stdout=log, stderr=subprocess.STDOUT,
            timeout=seconds + 120)
    return Path(f"{prefix}_stats.csv")


def print_stats(users: int, seconds: int, stats: Path) -> None:
    print(f"\n{users} users, {seconds} s:")
    print(f"  {'endpoint':<28} {'req/s':>7} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} (ms)")
    with stats.open() as handle:
        for row in csv.DictReader(handle):
            print(f"  {row['Name']:<28} {float(row['Requests/s']):7.1f} "
                  f"{row['Failure Count']:>5} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}")


def upload_to_score(since) -> str:
    from competitions.models import Submission

    waits = sorted((submission.finished_at - submission.created_at) / timedelta(milliseconds=1)
                   for submission in Submission.objects.filter(created_at__gte=since,
                                                               finished_at__isnull=False))
    if not waits:
        return "no upload scored"
    return (f"upload → scored: n={len(waits)}, p50 {statistics.median(waits):.0f} ms, "
            f"p99 {kompe_stack.percentile(waits, 0.99):.0f} ms")


def upload_burst(url: str, tokens: list[str], seconds: float) -> tuple[int, list[float]]:
    """Uploads as fast as the site takes them, one thread a participant, for `seconds`:
    how many were accepted and each accepted upload's answer time (ms)."""
    import threading

    import requests

    content = kompe_stack.SAMPLE_SUBMISSION.read_bytes()
    deadline = time.monotonic() + seconds
    answers: list[float] = []
    refused = [0]
    lock = threading.Lock()

    def uploader(token: str) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        while time.monotonic() < deadline:
            started = time.monotonic()
            response = session.post(f"{url}/api/v1/competitions/hiragana-20/submissions/",
                                    files={"file": ("burst.csv", content)}, timeout=30)
            with lock:
                if response.status_code == 201:
                    answers.append((time.monotonic() - started) * 1000)
                else:
                    refused[0] += 1

    threads = [threading.Thread(target=uploader, args=(token,))
               for token in tokens[:BURST_THREADS]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return refused[0], answers


def waiting_since(since) -> int:
    from competitions.models import Submission

    return Submission.objects.filter(created_at__gte=since,
                                     status__in=("queued", "scoring")).count()


def burst_and_drain(stack, url: str, tokens: list[str], seconds: int) -> None:
    """The upload burst rate with no worker running (uploads only store and queue), then
    the backlog's drain time once the worker starts: the end of a deadline evening."""
    from django.utils import timezone

    since = timezone.now()
    started = time.monotonic()
    refused, answers = upload_burst(url, tokens, seconds)
    took = time.monotonic() - started
    backlog = waiting_since(since)
    print(f"\nUpload burst, {len(tokens[:BURST_THREADS])} threads, {took:.0f} s, no worker: "
          f"{len(answers) / took:.1f} uploads/s accepted ({len(answers)} accepted, "
          f"{refused} refused), answer p50 {statistics.median(answers):.0f} ms, "
          f"p99 {kompe_stack.percentile(sorted(answers), 0.99):.0f} ms")
    drain_started = time.monotonic()
    stack.start_worker()
    while waiting_since(since) and time.monotonic() - drain_started < 600:
        time.sleep(0.2)
    drained = time.monotonic() - drain_started
    left = waiting_since(since)
    print(f"Backlog of {backlog} drained in {drained:.1f} s by 1 worker of 2 processes "
          f"(worker start-up included; {backlog / drained:.1f} scored/s)"
          + (f"; {left} still waiting after 600 s" if left else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--users", type=int, nargs="+", default=[50, 150])
    parser.add_argument("--burst-seconds", type=int, default=10,
                        help="length of the upload burst (0: none)")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a scratch PostgreSQL database (see --help).")
    scratch = kompe_stack.setup()
    from django.utils import timezone

    # The drills' process helpers: a Redis of our own, workers, beat and gunicorn.
    from tests.integration.stack import Redis, Stack, free_port, stack_environment

    kompe_stack.prepare_database()
    tokens = participants("hiragana-20")
    folder = Path(tempfile.mkdtemp(prefix="kompe-load-"))
    redis = Redis(folder)
    redis.start()
    env = stack_environment(os.environ["DATABASE_URL"], redis.url)
    stack = Stack(folder, redis, {**env, "KOMPE_VAR_DIR": os.environ["KOMPE_VAR_DIR"]})
    try:
        port = free_port()
        stack.start_beat()
        stack.start_web(port, workers=3)
        print(f"Kompe load, {kompe_stack.describe()}, gunicorn 3 sync workers, "
              f"1 Celery worker of 2 processes; load average before: "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; logs in {folder}")
        if options.burst_seconds:
            # First, while no worker runs: the burst, then the drain (which starts it).
            burst_and_drain(stack, f"http://127.0.0.1:{port}", tokens, options.burst_seconds)
        else:
            stack.start_worker()
        for users in options.users:
            since = timezone.now()
            started = time.monotonic()
            stats = run_locust(f"http://127.0.0.1:{port}", users, options.seconds, tokens,
                               folder)
            print_stats(users, round(time.monotonic() - started), stats)
            print("  " + upload_to_score(since))
    finally:
        stack.stop()
        redis.kill()
        if scratch:
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
