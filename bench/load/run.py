"""Load benchmark: the production shape on loopback — gunicorn (gunicorn.conf.py, 3 sync
workers), a Celery worker (prefork, 2 processes), beat, a Redis of its own — against
PostgreSQL, driven by locust (headless, bounded time) at 50 and 150 users. Prints
requests/s and p50/p95/p99 per endpoint, and upload → scored.

    createdb -h 127.0.0.1 -U postgres kompe_bench_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kompe_bench_load \\
        .venv/bin/python bench/load/run.py [--seconds 30] [--users 50 150]

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--users", type=int, nargs="+", default=[50, 150])
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
        stack.start_worker()
        stack.start_beat()
        stack.start_web(port, workers=3)
        print(f"Kompe load, {kompe_stack.describe()}, gunicorn 3 sync workers, "
              f"1 Celery worker of 2 processes; load average before: "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; logs in {folder}")
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
