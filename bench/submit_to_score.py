"""Time from an accepted upload to its saved score, through a real worker and broker.

Run: .venv/bin/python bench/submit_to_score.py [--submissions 20]
With no environment it uses a throw-away SQLite file and the filesystem broker (the
`make demo` set-up); set DATABASE_URL and CELERY_BROKER_URL to measure PostgreSQL and Redis
(a scratch database, e.g. `createdb -h 127.0.0.1 -U postgres kompe_bench`: the demo
competition is loaded into it).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--submissions", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("KOMPE_VAR_DIR", tempfile.mkdtemp(prefix="kompe-bench-"))
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("CELERY_QUEUE", f"kompe-bench-{os.getpid()}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from competitions.models import Competition, Submission
    from competitions.services import join_competition, submission_create

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    competition = Competition.objects.get(slug="hiragana-20")
    competition.daily_submission_limit = args.submissions + 1
    competition.save(update_fields=["daily_submission_limit"])
    user, _ = get_user_model().objects.get_or_create(username="bench")
    join_competition(competition=competition, user=user)
    content = (ROOT / "demo" / "hiragana-20" / "sample_submission.csv").read_bytes()

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "--loglevel", "WARNING", "--queues", os.environ["CELERY_QUEUE"],
         "--without-gossip", "--without-mingle", "--without-heartbeat"], cwd=ROOT)
    try:
        time.sleep(5)  # let the worker connect before the clock starts
        latencies = []
        for _ in range(args.submissions):
            start = time.perf_counter()
            submission = submission_create(
                competition=competition, user=user,
                file=SimpleUploadedFile("sample_submission.csv", content))
            while Submission.objects.get(pk=submission.pk).is_pending:
                time.sleep(0.01)
            latencies.append((time.perf_counter() - start) * 1000)
    finally:
        worker.terminate()
        worker.wait()
    broker = os.environ.get("CELERY_BROKER_URL", "filesystem://").split(":")[0]
    database = django.db.connection.vendor
    print(f"upload accepted -> score saved, {database} + {broker}: "
          f"median={statistics.median(latencies):.0f} ms  max={max(latencies):.0f} ms  "
          f"(n={len(latencies)})")


if __name__ == "__main__":
    main()
