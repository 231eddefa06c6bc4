"""Personas and factories shared by the tests.

alice and bob are participants, olivia organizes, and mallory tries what she should not.
The test competition has three Japanese classes and ten test images.
"""

import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from competitions.models import Competition, DataFile
from competitions.services import join_competition, solution_set

LABELS = ["いぬ", "ねこ", "とり"]
TEST_IDS = [f"img_{number:02d}.png" for number in range(1, 11)]
# Public rows: 1-4; private rows: 5-10.
TRUE_LABELS = ["いぬ", "ねこ", "とり", "いぬ", "ねこ", "とり", "いぬ", "ねこ", "とり", "いぬ"]
USAGES = ["Public"] * 4 + ["Private"] * 6
SOLUTION_CSV = ("id,label,usage\n" + "".join(
    f"{id_},{label},{usage}\n" for id_, label, usage in zip(TEST_IDS, TRUE_LABELS, USAGES,
                                                            strict=True))).encode()
SECRET_MARKER = "img_10.png,いぬ,Private"

REQUIRE_ALL = os.environ.get("KOMPE_REQUIRE_ALL_TESTS") == "1"


def skip_or_fail(reason: str) -> None:
    """In CI every test must run: what would be a skip on a laptop is a failure there."""
    if REQUIRE_ALL:
        pytest.fail(reason)
    pytest.skip(reason)


def submission_csv(labels: list[str], ids: list[str] = TEST_IDS) -> bytes:
    return ("id,label\n" + "".join(f"{i},{label}\n" for i, label in zip(ids, labels,
                                                                       strict=True))).encode()


def perfect_csv() -> bytes:
    return submission_csv(TRUE_LABELS)


def scored(participation, public: float, private: float = 0.5, minutes_ago: float = 0):
    """A submission of the participant's team, made `minutes_ago` and scored as given."""
    from competitions.models import Submission
    from scoring.scorer import Scores

    submission = Submission.objects.create(
        competition=participation.competition, team=participation.team,
        submitted_by=participation.user, original_name="p.csv",
        created_at=timezone.now() - timedelta(minutes=minutes_ago))
    assert submission.claim_for_scoring()
    submission.mark_scored(Scores(public=public, private=private))
    return submission


def scored_upload(competition, user, content: bytes, name: str = "predictions.csv"):
    """A submission uploaded and scored here and now, as a worker would (no broker)."""
    from competitions.services import submission_create
    from competitions.tasks import score_submission_task

    submission = submission_create(competition=competition, user=user,
                                   file=upload(content, name))
    score_submission_task.apply(args=[submission.pk])
    submission.refresh_from_db()
    return submission


@pytest.fixture
def scoring_messages(monkeypatch) -> list[int]:
    """The scoring messages handed to the broker, as submission ids in order. The broker is
    left out (nothing leaves the test); `deliver(scoring_messages)` runs them as a worker
    would. Wrap the code under test in `django_capture_on_commit_callbacks(execute=True)`:
    messages are sent after commit."""
    from competitions import queueing

    sent: list[int] = []
    monkeypatch.setattr(queueing, "publish", sent.append)
    return sent


def deliver(messages: list[int]) -> list[str]:
    """Run the scoring task of every message sent so far, first in first out, and empty the
    list; the tasks' outcomes."""
    from competitions.tasks import score_submission_task

    outcomes = []
    while messages:
        outcomes.append(score_submission_task(messages.pop(0)))
    return outcomes


def upload(content: bytes, name: str = "predictions.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def make_user(django_user_model):
    def make(username: str, **extra):
        return django_user_model.objects.create_user(username=username,
                                                     password=f"{username}-password-1",
                                                     **extra)
    return make


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def mallory(make_user):
    return make_user("mallory")


@pytest.fixture
def olivia(make_user):
    return make_user("olivia", is_staff=True, is_superuser=True)


@pytest.fixture
def make_competition(db):
    def make(slug: str = "animals", solution: bytes = SOLUTION_CSV, **fields) -> Competition:
        now = timezone.now()
        defaults = {"title": "Animals 動物", "short_description": "Three animals",
                    "labels": LABELS, "start_at": now - timedelta(days=1),
                    "end_at": now + timedelta(days=30), "is_published": True,
                    "daily_submission_limit": 5, "overview": "# Hello\n\nClassify **animals**."}
        competition = Competition.objects.create(slug=slug, **{**defaults, **fields})
        solution_set(competition=competition, content=solution)
        data_file = DataFile(competition=competition, name="sample_submission.csv")
        data_file.file.save("sample_submission.csv",
                            ContentFile(submission_csv(["いぬ"] * len(TEST_IDS))), save=False)
        data_file.save()
        return competition
    return make


@pytest.fixture
def competition(make_competition):
    return make_competition()


@pytest.fixture
def alice_joined(competition, alice):
    return join_competition(competition=competition, user=alice)


@pytest.fixture
def bob_joined(competition, bob):
    return join_competition(competition=competition, user=bob)


@pytest.fixture
def build(db, django_capture_on_commit_callbacks):
    """Build a community competition from zip bytes as `host`, the way the site does
    (the request, then the worker's run, here in the test's process); the finished
    CompetitionBuild."""
    from competitions.builder.service import build_request, build_run
    from tests.imagezips import zip_upload

    def run(host, data: bytes, slug: str = "bugs", **options):
        with django_capture_on_commit_callbacks(execute=False):
            requested = build_request(host=host, upload=zip_upload(data), slug=slug,
                                      title=options.pop("title", "Bugs ダンゴムシ"), **options)
        build_run(build_id=requested.pk)
        requested.refresh_from_db()
        return requested
    return run


def database_url(settings_dict: dict) -> str:
    """A URL for the test database, so that a worker process opens the same one."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{settings_dict['NAME']}"


WORKER_START_SECONDS = 60


def start_worker(log_path):
    """A real Celery worker process on the configured broker and the test database."""
    import subprocess
    import sys
    import time

    from django.conf import settings
    from django.db import connection

    env = {**os.environ, "DATABASE_URL": database_url(connection.settings_dict)}
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
             "--loglevel", "INFO", "--queues",
             f"{settings.CELERY_TASK_DEFAULT_QUEUE},{settings.CELERY_BUILD_QUEUE},"
             f"{settings.CELERY_SWEEP_QUEUE}",
             "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--hostname", f"test-{os.getpid()}-{log_path.stem}@%h"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR)
    deadline = time.monotonic() + WORKER_START_SECONDS
    while b" ready." not in log_path.read_bytes():
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail("The Celery worker did not start:\n" + log_path.read_text())
        time.sleep(0.1)
    return worker


def stop_worker(worker) -> None:
    import subprocess

    worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    log_path = tmp_path / "worker.log"
    worker = start_worker(log_path)
    yield worker
    stop_worker(worker)
    print(log_path.read_text()[-3000:])


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05):
    """Poll until predicate() is truthy; its last value, or a failure after the timeout."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"Timed out after {timeout}s waiting for {predicate}")


def pytest_sessionstart(session):
    """In CI the real services must be in use; a silent fallback would hide a gap."""
    if not REQUIRE_ALL:
        return
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine or not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.exit(f"KOMPE_REQUIRE_ALL_TESTS is set but the tests would run on {engine} "
                    f"and {settings.CELERY_BROKER_URL}: set DATABASE_URL and CELERY_BROKER_URL.",
                    returncode=1)


def pytest_sessionfinish(session, exitstatus):
    if not REQUIRE_ALL:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"{len(skipped)} test(s) skipped, and CI runs every test.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def english_by_default():
    """Requests in Japanese leave their language active in this thread; start each test in
    English so that messages compare as written."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


def clear_cache() -> None:
    """Empties this test run's cache keys. On Redis, only the keys under its prefix:
    cache.clear() would empty the whole database, which the broker may share."""
    from django.core.cache import cache

    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache: each test starts with none used."""
    clear_cache()
    yield
    clear_cache()
