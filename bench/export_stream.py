"""The organizers' submissions export, streamed, against the whole file built first.

Run: .venv/bin/python bench/export_stream.py [--submissions 100000] [--database-url URL]

It uses a database of its own, postgres://postgres@127.0.0.1:5432/kompe_bench_export
(DATABASE_URL is not read), dropped and created again on each run. It loads --submissions
submissions of one competition, then exports them twice each way:
- streamed (competitions.exports, what the admin's action sends): the rows read with a
  server-side cursor in chunks and sent 500 lines at a time;
- built whole (the code before streaming, kept here for comparison): every submission
  loaded as a model instance, the CSV written into one string, then sent.
For each: the time to the first piece (what the browser waits before the download starts),
the time to the last, and the peak of Python's allocations while the pieces are consumed
and dropped (tracemalloc, in a second pass: it slows the code down).
"""

import argparse
import csv
import io
import os
import shutil
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kompe_stack  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kompe_bench_export"
BATCH = 5000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    return parser.parse_args()


def drop_database(url: str, *, create_again: bool = False) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = sql.Identifier(parts.path.lstrip("/"))
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
        if create_again:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(name))


def load(count: int):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from competitions.models import Competition, Submission, Team

    call_command("migrate", verbosity=0)
    now = timezone.now()
    competition = Competition.objects.create(
        slug="bench-export", title="Export", short_description="", labels=["a", "b"],
        start_at=now - timedelta(days=30), end_at=now + timedelta(days=30))
    users = [get_user_model().objects.create_user(f"user{n}") for n in range(100)]
    teams = [Team.objects.create(competition=competition, name=f"team {n}") for n in range(100)]
    for start in range(0, count, BATCH):
        Submission.objects.bulk_create(
            Submission(competition=competition, team=teams[n % 100], submitted_by=users[n % 100],
                       original_name=f"predictions_{n}.csv", description="resnet, 20 epochs",
                       status=Submission.Status.SCORED, public_score=(n % 997) / 997,
                       private_score=(n % 991) / 991, created_at=now - timedelta(seconds=n),
                       finished_at=now)
            for n in range(start, min(count, start + BATCH)))
    return Competition.objects.filter(pk=competition.pk)


def built_whole(competitions) -> list[str]:
    """The export as it was before streaming: one string, in a list of one piece."""
    from competitions.exports import SUBMISSION_HEADER, neutralise
    from competitions.models import Submission

    submissions = (Submission.objects.filter(competition__in=list(competitions))
                   .select_related("competition", "team", "submitted_by")
                   .order_by("competition__slug", "created_at", "id"))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SUBMISSION_HEADER)
    for s in submissions:
        writer.writerow([neutralise(value) for value in [
            s.competition.slug, s.pk, s.team.name, s.submitted_by.get_username(),
            s.original_name, s.description, s.status, s.is_late, s.public_score,
            s.private_score, s.created_at.isoformat(),
            s.finished_at.isoformat() if s.finished_at else "", s.error]])
    return ["\ufeff" + buffer.getvalue()]


def streamed(competitions):
    from competitions.exports import submissions_csv_response

    return submissions_csv_response(competitions).streaming_content


def consume(make_pieces) -> tuple[float, float, int, int]:
    """Seconds to the first piece and to the last, bytes and pieces; each piece dropped.
    The clock starts before the export is asked for, as the admin's action is."""
    started = time.perf_counter()
    first, size, count = None, 0, 0
    for piece in make_pieces():
        if first is None:
            first = time.perf_counter() - started
        size += len(piece.encode() if isinstance(piece, str) else piece)
        count += 1
    return first, time.perf_counter() - started, size, count


def peak_mib(make_pieces) -> float:
    tracemalloc.start()
    consume(make_pieces)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    args = parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    scratch = kompe_stack.setup()
    drop_database(args.database_url, create_again=True)
    started = time.perf_counter()
    competitions = load(args.submissions)
    print(f"loaded {args.submissions:,} submissions in {time.perf_counter() - started:.1f} s")
    for name, make in (("streamed", lambda: streamed(competitions)),
                       ("built whole", lambda: built_whole(competitions))):
        consume(make)  # warm-up: the database's caches
        first, last, size, count = consume(make)
        print(f"{name:12} first piece {first * 1000:7.1f} ms · all {last:5.2f} s · "
              f"{size / 2**20:5.1f} MiB in {count:,} pieces · "
              f"peak Python memory {peak_mib(make):6.1f} MiB")
    from django.db import connections

    connections.close_all()
    drop_database(args.database_url)
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
