"""Drills: the production shape on loopback (gunicorn, Celery workers, beat, a Redis of the
drill's own, PostgreSQL) under steady uploads, with a fault injected. Each asserts that
no accepted upload is lost or scored twice, and that no quota is spent on a failure.

About a minute each; CI runs them (the `drill` marker is not deselected anywhere).
"""

import signal
import time
from datetime import timedelta

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from competitions.models import Submission
from competitions.services import join_competition, submissions_left_today
from tests.conftest import database_url, perfect_csv, skip_or_fail
from tests.integration import load as traffic
from tests.integration.stack import (
    WORKER_CONCURRENCY,
    Redis,
    Stack,
    free_port,
    stack_environment,
    wait_until,
)

pytestmark = [pytest.mark.drill, pytest.mark.worker]

PARTICIPANTS = 3
DAILY_LIMIT = 2000
# "Scored within 15 s of the broker's return" (issue 13).
RECOVERY_SECONDS = 15


@pytest.fixture
def stack(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        skip_or_fail("The drills run against PostgreSQL (set DATABASE_URL).")
    redis = Redis(tmp_path)
    try:
        redis.start()
    except FileNotFoundError:
        skip_or_fail("The drills start a redis-server of their own: install Redis.")
    stack = Stack(tmp_path, redis, stack_environment(database_url(connection.settings_dict),
                                                     redis.url))
    yield stack
    stack.stop()
    if redis.process.poll() is None:
        redis.kill()
    for log in sorted(tmp_path.glob("*.log")):
        print(f"--- {log.name} (end)\n{log.read_text()[-2000:]}")


@pytest.fixture
def course(make_competition, make_user):
    """A competition and participants with API tokens."""
    competition = make_competition(slug="drill", daily_submission_limit=DAILY_LIMIT)
    users = [make_user(f"learner{number}") for number in range(PARTICIPANTS)]
    for user in users:
        join_competition(competition=competition, user=user)
    return competition, users, [Token.objects.create(user=user).key for user in users]


def start_everything(stack: Stack) -> str:
    port = free_port()
    stack.start_worker()
    stack.start_beat()
    stack.start_web(port)
    return f"http://127.0.0.1:{port}"


def wait_until_finished(ids: list[int], timeout: float) -> None:
    wait_until(lambda: not Submission.objects.filter(
        pk__in=ids, status__in=["queued", "scoring"]).exists(), timeout,
        "every accepted upload finished")


def assert_nothing_lost_or_counted_twice(competition, users, load: traffic.Load,
                                         stack: Stack, unlogged: int = 0) -> list[Submission]:
    """`unlogged`: scorings that may be missing from the logs because their worker was
    killed after the score's commit and before its "succeeded" line (one per pool
    process of a killed worker)."""
    ids = [sample.submission_id for sample in load.accepted()]
    submissions = list(Submission.objects.filter(competition=competition))
    # Every accepted upload is there, scored; nothing else was stored.
    assert sorted(submission.pk for submission in submissions) == sorted(ids)
    assert {submission.status for submission in submissions} == {"scored"}
    # Scored once: each was claimed by one scoring run, and the workers saved no more
    # scores than there are submissions (a second save would have been "superseded").
    outcomes = {outcome: stack.task_results(outcome)
                for outcome in ("scored", "failed", "skipped", "superseded")}
    assert len(ids) - unlogged <= outcomes["scored"] <= len(ids), (
        f"{len(ids)} accepted, {unlogged} may be unlogged; tasks ended {outcomes}, "
        f"{len(stack.log_lines('raised unexpected'))} raised:\n" + "\n".join(
            stack.log_lines("database connection", "raised unexpected", "trying again")))
    # The quota counts exactly the accepted uploads.
    for user in users:
        team = user.participations.get(competition=competition).team
        mine = sum(1 for submission in submissions if submission.team_id == team.pk)
        assert submissions_left_today(competition=competition, team=team) == (
            DAILY_LIMIT - mine)
    return submissions


def test_broker_killed_during_uploads_loses_nothing_and_slows_nothing(stack, course):
    competition, users, tokens = course
    base_url = start_everything(stack)
    load = traffic.Load(base_url, competition.slug, tokens, perfect_csv())
    load.start()
    try:
        time.sleep(2)
        warm_at = time.monotonic()  # the first requests of each process are slower
        time.sleep(4)
        killed_at = time.monotonic()
        stack.redis.kill()
        time.sleep(12)
        stack.redis.start()  # replays its append-only file
        back_at, back_wall = time.monotonic(), traffic.datetime.now(traffic.UTC)
        time.sleep(3)
    finally:
        load.stop()
    ids = [sample.submission_id for sample in load.accepted()]
    wait_until_finished(ids, RECOVERY_SECONDS + 10)

    before = traffic.between(load.uploads, warm_at, killed_at)
    during = traffic.between(load.uploads, killed_at, back_at)
    pages_before = traffic.between(load.pages, warm_at, killed_at)
    pages_during = traffic.between(load.pages, killed_at, back_at)
    print(f"uploads: {len(load.uploads)} ({len(during)} while Redis was down); "
          f"upload p50/p90/max before {traffic.median(before):.3f}/"
          f"{traffic.quantile(before, 0.9):.3f}/{traffic.quantile(before, 1):.3f} s, during "
          f"{traffic.median(during):.3f}/{traffic.quantile(during, 0.9):.3f}/"
          f"{traffic.quantile(during, 1):.3f} s; page p50 before "
          f"{traffic.median(pages_before):.3f} s, during {traffic.median(pages_during):.3f} s")
    assert not load.failed(), load.failed()[:3]
    assert len(during) >= 20
    # Uploads answer at once while the broker is down (no retries, no waiting): at most
    # 100 ms more than an upload takes on this machine (about 20 ms when it is idle, several
    # times that when the machine is shared), and none stalls. The other page keeps its speed.
    assert traffic.quantile(during, 0.9) < traffic.median(before) + 0.1
    assert traffic.quantile(during, 1) < 1
    assert traffic.median(pages_during) < max(2 * traffic.median(pages_before), 0.05)

    submissions = assert_nothing_lost_or_counted_twice(competition, users, load, stack)
    assert all(submission.attempts == 1 for submission in submissions)
    # Everything accepted is scored within 15 s of the broker's return (or of its upload).
    by_id = {submission.pk: submission for submission in submissions}
    late = []
    for sample in load.accepted():
        since = max(sample.wall, back_wall)
        waited = by_id[sample.submission_id].finished_at - since
        if waited > timedelta(seconds=RECOVERY_SECONDS):
            late.append((sample.submission_id, waited.total_seconds()))
    assert not late
    recovered = max(by_id[sample.submission_id].finished_at for sample in during) - back_wall
    print(f"last upload of the outage scored {recovered.total_seconds():.1f} s after Redis "
          f"returned; duplicates delivered: {stack.task_results('skipped')}")
    # Never sent twice while a message waits: no message found its submission taken.
    assert stack.task_results("skipped") == 0


def test_worker_killed_during_scoring_loses_nothing(stack, course):
    competition, users, tokens = course
    base_url = start_everything(stack)
    load = traffic.Load(base_url, competition.slug, tokens, perfect_csv())
    load.start()
    try:
        time.sleep(3)
        worker = stack.processes[0]
        # Catch it in the middle of a scoring, as often as the load allows.
        wait_until(lambda: Submission.objects.filter(status="scoring").exists(), 10,
                   "a submission being scored")
        stack.processes.remove(worker)
        killed_at = time.monotonic()
        from tests.integration.stack import kill_group

        kill_group(worker)  # the worker and its pool, no warm shutdown, no ack
        time.sleep(2)
        stack.start_worker("worker-2")
        time.sleep(3)
    finally:
        load.stop()
    # Messages the dead worker held (running or reserved) come back only after the long
    # cutoff; beat runs that sweep every minute with 300 s. Here: the same sweep, with a
    # cutoff that reaches back to the kill and no further.
    time.sleep(2)
    print(stack.manage("requeue_submissions", "--older-than",
                       str(int(time.monotonic() - killed_at))))
    ids = [sample.submission_id for sample in load.accepted()]
    wait_until_finished(ids, 30)
    assert not load.failed(), load.failed()[:3]
    submissions = assert_nothing_lost_or_counted_twice(
        competition, users, load, stack, unlogged=WORKER_CONCURRENCY)
    assert all(submission.attempts <= 2 for submission in submissions)


@pytest.mark.parametrize("restart", ["HUP", "USR2 then TERM the old master"])
def test_web_restart_during_uploads_fails_no_request(stack, course, restart):
    competition, users, tokens = course
    base_url = start_everything(stack)
    web = stack.processes[-1]
    load = traffic.Load(base_url, competition.slug, tokens, perfect_csv(), upload_threads=3,
                        upload_every=0.05, page_every=0.05)
    load.start()
    try:
        time.sleep(2)
        if restart == "HUP":
            web.send_signal(signal.SIGHUP)
            wait_until(lambda: stack.log("web").read_text().count("Booting worker") >= 4, 30,
                       "new gunicorn workers")
        else:
            web.send_signal(signal.SIGUSR2)  # a new master with new workers, same socket
            wait_until(lambda: stack.log("web").read_text().count("Booting worker") >= 4, 60,
                       "the new gunicorn master's workers")
            time.sleep(1)
            web.send_signal(signal.SIGTERM)  # the old master: its workers finish and go
            web.wait(timeout=60)
        time.sleep(3)
    finally:
        load.stop()
    print(f"{len(load.uploads)} uploads and {len(load.pages)} page reads across the restart")
    assert not load.failed(), load.failed()[:3]
    ids = [sample.submission_id for sample in load.accepted()]
    wait_until_finished(ids, 30)
    assert_nothing_lost_or_counted_twice(competition, users, load, stack)


def test_database_connections_terminated_during_uploads_lose_nothing(stack, course):
    competition, users, tokens = course
    base_url = start_everything(stack)
    load = traffic.Load(base_url, competition.slug, tokens, perfect_csv())
    load.start()
    terminated = 0
    try:
        time.sleep(4)
        for _ in range(3):  # every connection of the web and the worker, three times
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                terminated += cursor.fetchone()[0]
            time.sleep(1.5)
        time.sleep(3)
    finally:
        load.stop()
    failed = load.failed()
    print(f"{terminated} connections terminated; {len(load.uploads)} uploads, "
          f"{len(load.pages)} page reads, {len(failed)} failed: "
          f"{[(sample.status, sample.error[:80]) for sample in failed[:5]]}")
    wait_until_finished([sample.submission_id for sample in load.accepted()], 30)
    assert terminated > 0
    # A request whose connection was cut may fail (500), but stores nothing and spends no
    # quota: only accepted uploads exist, each scored once.
    assert all(sample.status in (None, 500) for sample in failed)
    # A connection cut during a score's COMMIT leaves the worker unsure whether it was
    # saved; it answers "superseded" (nothing is rescored here) and the score stands.
    assert_nothing_lost_or_counted_twice(competition, users, load, stack,
                                         unlogged=stack.task_results("superseded"))
