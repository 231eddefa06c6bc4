"""/healthz tells the truth: 200 while the database, the broker, the storage and a
scoring worker answer, 500 (naming what is down) when the broker or the database is not.
The broker here is a Redis server of the test's own, stopped for real."""

import json
import os
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from tests.conftest import database_url

from .processes import start_gunicorn, start_redis, start_worker, stop
from .stack import free_port

pytestmark = pytest.mark.worker


def healthz(port: int) -> tuple[int, dict, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?format=json",
                                    timeout=60) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, json.loads(body), time.monotonic() - started


def unavailable(checks: dict) -> set[str]:
    return {name.split("(")[0] for name, state in checks.items() if state != "OK"}


def test_healthz_is_unhealthy_when_the_broker_goes_down(transactional_db, tmp_path):
    redis_server, redis_port = start_redis(tmp_path)
    env = {**os.environ, "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
           "DATABASE_URL": database_url(connection.settings_dict),
           "ALLOWED_HOSTS": "127.0.0.1"}
    worker = start_worker(env, tmp_path, tmp_path / "worker.log", "healthz")
    web, port = start_gunicorn(env, tmp_path / "web.log")
    try:
        status, checks, _ = healthz(port)
        assert status == 200, checks
        assert unavailable(checks) == set()
        assert {"Database", "Storage", "Redis", "Ping"} <= {
            name.split("(")[0] for name in checks}

        stop(redis_server)
        status, checks, seconds = healthz(port)
        assert status == 500
        assert {"Redis", "Ping"} <= unavailable(checks), checks
        assert seconds < 30  # a load balancer's probe gets an answer, not a hang
    finally:
        for process in (web, worker, redis_server):
            stop(process)


def test_healthz_is_unhealthy_when_the_database_is_down(tmp_path):
    # Nothing listens on this port: the database this web server was given is down.
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1",
           "DATABASE_URL": f"postgres://kompe@127.0.0.1:{free_port()}/kompe"}
    web, port = start_gunicorn(env, tmp_path / "web.log")
    try:
        status, checks, _ = healthz(port)
        assert status == 500
        assert "Database" in unavailable(checks), checks
    finally:
        stop(web)
