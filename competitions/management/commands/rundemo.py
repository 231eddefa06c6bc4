"""Run a Celery worker and the web server together; Ctrl-C stops both."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.mail import where_mail_goes

STARTUP_SECONDS = 30
STOP_SECONDS = 10


class Command(BaseCommand):
    help = "Run the demo: one Celery worker process and the development web server."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host: str, port: int, **options):
        if _port_taken(host, port):
            raise CommandError(f"Port {port} is in use: try `make demo PORT=8123`.")
        for compiled in compile_stale_catalogues(settings.LOCALE_PATHS):
            self.stdout.write(f"Compiled {compiled}")
        # One worker for the demo takes every queue: scoring, community builds, sweeps.
        queues = (f"{settings.CELERY_TASK_DEFAULT_QUEUE},{settings.CELERY_BUILD_QUEUE},"
                  f"{settings.CELERY_SWEEP_QUEUE}")
        environment = child_environment(host, port, os.environ)
        worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker",
                                   "--queues", queues, "--loglevel", "INFO", "--pool", "threads",
                                   "--concurrency", "2", "--without-gossip", "--without-mingle",
                                   # The sweeper that requeues lost submissions, in-process.
                                   "--beat"], env=environment)
        server = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload",
                                   f"{host}:{port}"], env=environment)
        processes = {"worker": worker, "web server": server}
        stop_requested = []
        # Ctrl-C reaches the whole process group: the children stop on their own, and
        # this process only has to wait for them.
        signal.signal(signal.SIGINT, lambda *_: stop_requested.append(True))
        signal.signal(signal.SIGTERM, lambda *_: stop_requested.append(True))
        try:
            self._wait_until_listening(host, port, server)
            self.stdout.write(self.style.SUCCESS(
                f"\nKompe is running at http://{host}:{port}/  (Ctrl-C stops it)"))
            self.stdout.write(where_mail_goes() + "\n")
            while not stop_requested and all(p.poll() is None for p in processes.values()):
                time.sleep(0.2)
            if not stop_requested:
                stopped = [name for name, p in processes.items() if p.poll() is not None]
                self.stderr.write(f"The {' and '.join(stopped)} stopped; stopping the rest.")
        finally:
            self.stdout.write("Stopping the worker and the web server…")
            _stop(processes.values())
        self.stdout.write("Stopped.")

    def _wait_until_listening(self, host, port, server) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _port_taken(host, port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise CommandError("The web server did not start.")
            time.sleep(0.2)


def compile_stale_catalogues(locale_paths) -> list[Path]:
    """Compile each .po newer than its .mo (as `make messages` does, with Babel): run
    without make, the demo would otherwise speak English to a Japanese browser."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for folder in locale_paths:
        for source in sorted(Path(folder).glob("*/LC_MESSAGES/django.po")):
            target = source.with_suffix(".mo")
            if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
                continue
            with source.open("rb") as po:
                catalogue = read_po(po)
            with target.open("wb") as mo:
                write_mo(mo, catalogue)
            compiled.append(target)
    return compiled


def child_environment(host: str, port: int, environ) -> dict[str, str]:
    """The worker's and the web server's environment: links in e-mails (SITE_URL) lead to
    this server, on whatever port it runs, unless SITE_URL was set on purpose."""
    environment = dict(environ)
    if not environment.get("SITE_URL"):
        shown = "localhost" if host in {"", "0.0.0.0", "::"} else host
        environment["SITE_URL"] = f"http://{shown}:{port}"
    return environment


def _port_taken(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def _stop(processes) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
