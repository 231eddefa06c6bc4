"""Helpers shared by the benchmarks that run the real stack (Django, a database, Celery
workers): submit_to_score.py and worker_throughput.py. Not a benchmark itself.

Nothing happens at import; `setup()` configures the environment and Django.
"""

import io
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SUBMISSION = ROOT / "demo" / "hiragana-20" / "sample_submission.csv"
UNLIMITED = 2**31 - 1  # the largest daily limit PostgreSQL's integer column holds


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below."""
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def setup(defaults: dict[str, str] | None = None) -> str | None:
    """Environment, then django.setup(). The queue is this run's own (a demo worker on the
    same broker must not take its tasks) and is set before Django reads the settings.
    Returns the scratch folder made for KOMPE_VAR_DIR, if one was made (the caller removes
    it once its workers are stopped)."""
    for name, value in (defaults or {}).items():
        os.environ.setdefault(name, value)
    scratch = None
    if "KOMPE_VAR_DIR" not in os.environ:
        scratch = os.environ["KOMPE_VAR_DIR"] = tempfile.mkdtemp(prefix="kompe-bench-")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("CELERY_QUEUE", f"kompe-bench-{os.getpid()}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return scratch


def describe() -> str:
    """"postgresql + redis", "sqlite + filesystem", ..."""
    from django.db import connection

    broker = os.environ.get("CELERY_BROKER_URL", "filesystem://").split(":")[0]
    return f"{connection.vendor} + {broker}"


def _stale_tables() -> list[str]:
    """Tables of the competitions app that differ from the models although its migrations
    are recorded as applied: the project rewrites 0001_initial instead of adding migrations,
    so a database kept between runs can hold an older schema that `migrate` won't touch."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    if not any(app == "competitions" for app, _ in
               MigrationRecorder(connection).applied_migrations()):
        return []
    existing = set(connection.introspection.table_names())
    stale = []
    with connection.cursor() as cursor:
        for model in apps.get_app_config("competitions").get_models(include_auto_created=True):
            table = model._meta.db_table
            wanted = {field.column for field in model._meta.local_concrete_fields}
            if table not in existing or wanted != {
                    column.name for column in
                    connection.introspection.get_table_description(cursor, table)}:
                stale.append(table)
    return stale


def _drop_competitions_tables() -> None:
    from django.apps import apps
    from django.db import connection, transaction
    from django.db.migrations.recorder import MigrationRecorder

    cascade = " CASCADE" if connection.vendor == "postgresql" else ""
    with transaction.atomic(), connection.cursor() as cursor:
        for model in apps.get_app_config("competitions").get_models(include_auto_created=True):
            cursor.execute(f"DROP TABLE IF EXISTS "
                           f"{connection.ops.quote_name(model._meta.db_table)}{cascade}")
        MigrationRecorder(connection).migration_qs.filter(app="competitions").delete()


def prepare_database() -> None:
    """Migrate and load (or restore in place) the demo competition. A benchmark database
    whose competitions tables predate the current schema has them rebuilt (their rows,
    earlier benchmark submissions, are lost); any other database is left alone."""
    from django.conf import settings
    from django.core.management import call_command

    stale = _stale_tables()
    if stale:
        name = str(settings.DATABASES["default"]["NAME"])
        if "bench" not in name:
            raise SystemExit(f"{name}: tables {', '.join(stale)} differ from the models. "
                             "Not a benchmark database, so not rebuilt: use a scratch one.")
        print(f"{name}: competitions tables older than the models ({', '.join(stale)}): "
              "dropped and created again.")
        _drop_competitions_tables()
    call_command("migrate", verbosity=0)
    # --reset: the demo as shipped, its files in this run's scratch folder (load_demo alone
    # keeps rows whose files an earlier run's folder held).
    call_command("load_demo", reset=True, verbosity=0, stdout=io.StringIO())


def bench_participant(submissions: int):
    """The demo competition and the joined user "bench", with room today for `submissions`
    more (submissions of earlier runs today count too)."""
    from django.contrib.auth import get_user_model

    from competitions.models import Competition
    from competitions.services import join_competition, submissions_left_today

    competition = Competition.objects.get(slug="hiragana-20")
    user, _ = get_user_model().objects.get_or_create(username="bench")
    team = join_competition(competition=competition, user=user).team
    # load_demo has just set the limit to 20: count against no limit (in memory only).
    competition.daily_submission_limit = UNLIMITED
    used_today = UNLIMITED - submissions_left_today(competition=competition, team=team)
    competition.daily_submission_limit = used_today + submissions + 1
    competition.save(update_fields=["daily_submission_limit"])
    return competition, user


def start_worker(name: str) -> subprocess.Popen:
    """One Celery worker process on this run's queue: solo pool, one task at a time."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "--quiet", "-A", "config", "worker",
         "--pool", "solo", "--concurrency", "1", "--loglevel", "WARNING",
         "--hostname", f"{name}@%h", "--queues", os.environ["CELERY_QUEUE"],
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, stdout=subprocess.DEVNULL)  # stderr stays: warnings and errors


def stop_workers(workers: list[subprocess.Popen]) -> None:
    """Warm shutdown of each, by process id."""
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait()


def drop_queue() -> None:
    """Remove this run's own queue from a Redis broker once its workers are stopped: kombu
    keeps a `_kombu.binding.<queue>` key per queue ever declared."""
    queue = os.environ.get("CELERY_QUEUE", "")
    if not (queue.startswith("kompe-bench-")
            and os.environ.get("CELERY_BROKER_URL", "").startswith("redis")):
        return
    from config.celery import app

    with app.connection_for_write() as connection:
        bound = app.amqp.queues[queue].bind(connection.default_channel)
        bound.declare()  # so that this channel knows the binding it is to delete
        bound.delete()
