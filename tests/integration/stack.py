"""The production shape on loopback, for the drills: a Redis of the drill's own on a spare
port (append-only file on, as docker-compose.yml runs it), Celery workers, beat and
gunicorn, each a process of its own in its own session, so that a drill can kill one (and
its children) by process group. They use the test database and the test run's files.

Not a test module: the drills import it.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

START_SECONDS = 60
# Pool processes per drill worker: also how many scorings a killed worker can leave unlogged.
WORKER_CONCURRENCY = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, log: Path | None = None,
               process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if process is not None and process.poll() is not None:
            pytest.fail(f"{what}: the process ended\n" + (log.read_text()[-3000:] if log else ""))
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout} s\n"
                        + (log.read_text()[-3000:] if log else ""))
        time.sleep(0.05)


def kill_group(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal a process started here and every child it made (its own session: the
    leader's id is the group's), even children that outlived it (a gunicorn master that a
    USR2 started)."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass  # the whole group has gone
    process.wait(timeout=30)


@dataclass
class Redis:
    """redis-server on a spare port; `kill()` and `start()` again replay its append-only
    file, as a production Redis does after a crash."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = self.folder / "redis.log"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.folder), "--save", "", "--appendonly", "yes",
             "--appendfsync", "always", "--logfile", str(log)],
            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_until(self.answers, START_SECONDS, "redis-server", log, self.process)

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def kill(self) -> None:
        kill_group(self.process)


@dataclass
class Stack:
    """The processes of one drill. `env` is what they share: the test database, this
    Redis, this run's queues, and API rate limits out of the way of the load."""

    folder: Path
    redis: Redis
    env: dict
    processes: list = field(default_factory=list)

    def log(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    def _start(self, name: str, command: list[str], **extra_env) -> subprocess.Popen:
        with self.log(name).open("ab") as log:
            process = subprocess.Popen(command, env={**self.env, **extra_env}, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True,
                                       cwd=Path(__file__).resolve().parents[2])
        self.processes.append(process)
        return process

    def start_worker(self, name: str = "worker",
                     concurrency: int = WORKER_CONCURRENCY) -> subprocess.Popen:
        queues = ",".join(self.env[name] for name in ("CELERY_QUEUE", "CELERY_SWEEP_QUEUE"))
        process = self._start(name, [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork",
            "--concurrency", str(concurrency), "--loglevel", "INFO", "--queues", queues,
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--hostname", f"{name}-{os.getpid()}@%h"])
        log, before = self.log(name), self.log(name).stat().st_size
        wait_until(lambda: b" ready." in log.read_bytes()[before:], START_SECONDS,
                   f"Celery worker {name}", log, process)
        return process

    def start_beat(self) -> subprocess.Popen:
        return self._start("beat", [
            sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
            "--schedule", str(self.folder / "beat-schedule")])

    def start_web(self, port: int, workers: int = 2) -> subprocess.Popen:
        process = self._start("web", [
            # The console script, as in production: a USR2 re-executes the same command
            # line, and `python -m gunicorn` would then find gunicorn/config.py as `config`.
            str(Path(sys.executable).with_name("gunicorn")), "config.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--pid", str(self.folder / "web.pid")])
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}/"), START_SECONDS,
                   "gunicorn", self.log("web"), process)
        return process

    def manage(self, *args: str) -> str:
        """A management command with the stack's settings (its broker, its queues)."""
        result = subprocess.run([sys.executable, "manage.py", *args], env=self.env,
                                cwd=Path(__file__).resolve().parents[2], capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def stop(self) -> None:
        """Warm shutdown of every group started here, then SIGKILL for what is left (also
        the children that outlived their leader)."""
        for process in reversed(self.processes):
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 20
        for process in self.processes:
            while _group_alive(process.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            kill_group(process)

    def task_results(self, outcome: str) -> int:
        """How many scoring tasks ended with `outcome`, in every worker's log."""
        pattern = re.compile(rf"score_submission_task\[[^]]+\] succeeded in [^:]+: '{outcome}'")
        return sum(len(pattern.findall(log.read_text()))
                   for log in self.folder.glob("worker*.log"))

    def log_lines(self, *needles: str) -> list[str]:
        """The workers' log lines holding any of `needles` (for a failing drill's message)."""
        return [line[:300] for log in sorted(self.folder.glob("worker*.log"))
                for line in log.read_text().splitlines()
                if any(needle in line for needle in needles)]


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def stack_environment(database_url: str, redis_url: str) -> dict:
    queue = f"kompe-drill-{os.getpid()}"
    return {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": redis_url,
            "CELERY_QUEUE": queue, "CELERY_SWEEP_QUEUE": f"{queue}-sweeps",
            "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost", "STATIC_MANIFEST": "0",
            "API_RATE_SUBMIT": "100000/min", "API_RATE_READ": "100000/min",
            "PYTHONUNBUFFERED": "1"}
