"""Real server processes for the drills: a Redis of the test's own on a spare port, a
Celery worker and gunicorn with the environment a test gives them."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from .stack import free_port

START_SECONDS = 60


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"{process.args[0]} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)


def start_redis(folder: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    log = folder / f"redis-{port}.log"
    with log.open("wb") as output:
        server = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port),
                                   "--save", "", "--appendonly", "no", "--dir", str(folder)],
                                  stdout=output, stderr=subprocess.STDOUT)
    wait_for_port(port, server, log)
    return server, port


def start_worker(env: dict, cwd: Path, log: Path, name: str) -> subprocess.Popen:
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
             "--loglevel", "INFO", "--queues", settings.CELERY_TASK_DEFAULT_QUEUE,
             "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--hostname", f"{name}-{os.getpid()}@%h"],
            env={**env, "PYTHONPATH": str(settings.BASE_DIR)}, stdout=output,
            stderr=subprocess.STDOUT, cwd=cwd)
    deadline = time.monotonic() + START_SECONDS
    while b" ready." not in log.read_bytes():
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail("The Celery worker did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.1)
    return worker


def start_gunicorn(env: dict, log: Path, workers: int = 1) -> tuple[subprocess.Popen, int]:
    """gunicorn from the repository's folder, so with gunicorn.conf.py."""
    port = free_port()
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers)], env=env, stdout=output, stderr=subprocess.STDOUT,
            cwd=settings.BASE_DIR)
    wait_for_port(port, server, log)
    return server, port


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
