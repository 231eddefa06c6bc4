"""The compose stack of the repository, driven from a test: build, up, down, requests.

Everything listens on loopback only, under a compose project name of this run's own, and
`down` removes its containers (and, at the end, its volumes)."""

import http.cookiejar
import os
import re
import secrets
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STACK_START_SECONDS = 600
# The official images' names, built here from Debian's packages where no registry answers.
BASE_IMAGES = ("python:3.11-slim-bookworm", "postgres:15", "redis:7")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def docker_ready() -> str | None:
    """None if this machine can build and run the stack, else why not."""
    for tool in ("docker", "docker-compose"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (make deploy-prerequisites)"
    info = subprocess.run(["docker", "info"], capture_output=True, text=True)
    if info.returncode != 0:
        return "the Docker engine is not running: " + info.stderr.strip()[-300:]
    return None


def run(*command, env=None, timeout=900, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({result.returncode}):\n"
                             f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def prepare_images() -> dict[str, float]:
    """The wheelhouse and the base images (each kept when already built); seconds each."""
    timings = {}
    started = time.monotonic()
    run("deploy/build-wheelhouse.sh", os.environ.get("KOMPE_WHEELHOUSE_PYTHON",
                                                      str(REPO / ".venv" / "bin" / "python")))
    timings["wheelhouse"] = time.monotonic() - started
    started = time.monotonic()
    run("deploy/offline/build-base-images.sh",
        env={**os.environ, "WHEELHOUSE_S3": str(REPO / "deploy" / "wheelhouse-s3")})
    timings["base images"] = time.monotonic() - started
    return timings


@dataclass
class Stack:
    files: tuple[str, ...] = ("docker-compose.yml",)
    project: str = field(default_factory=lambda: f"kompedeploy{uuid.uuid4().hex[:8]}")
    port: int = field(default_factory=free_port)
    extra_env: dict = field(default_factory=dict)

    def __post_init__(self):
        self.env = {
            **os.environ,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "POSTGRES_PASSWORD": secrets.token_urlsafe(16),
            "KOMPE_IMAGE": "kompe:deploy-test",
            "KOMPE_PORT": str(self.port),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # The test speaks plain HTTP to gunicorn: no proxy, no TLS in between.
            "BEHIND_TLS_PROXY": "0", "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0",
            "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
            **self.extra_env,
        }
        self.url = f"http://127.0.0.1:{self.port}"

    def compose(self, *args, timeout=900, check=True) -> subprocess.CompletedProcess:
        files = [option for name in self.files for option in ("-f", name)]
        return run("docker-compose", "-p", self.project, *files, *args, env=self.env,
                   timeout=timeout, check=check)

    def build(self) -> float:
        started = time.monotonic()
        self.compose("build", "migrate")
        return time.monotonic() - started

    def up(self, *args) -> float:
        started = time.monotonic()
        self.compose("up", "-d", *args)
        self.wait_healthy()
        return time.monotonic() - started

    def wait_healthy(self, timeout: float = STACK_START_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz?format=json", timeout=10):
                    return
            except urllib.error.HTTPError as unhealthy:
                last = unhealthy.read()[:2000]
            except (urllib.error.URLError, ConnectionError, TimeoutError) as problem:
                last = problem
            time.sleep(2)
        raise AssertionError(f"The stack was not healthy within {timeout}s: {last}\n"
                             + self.compose("logs", "--tail", "40", check=False).stdout)

    def manage(self, *args) -> str:
        return self.compose("exec", "-T", "web", "python", "manage.py", *args).stdout

    def wait_for_workers(self, count: int, timeout: float = 180) -> None:
        """Until `count` scoring workers answer a ping through the broker."""
        def answering() -> bool:
            ping = self.compose("exec", "-T", "web", "celery", "-A", "config", "inspect",
                                "ping", "--timeout", "5", check=False)
            # Scoring workers keep Celery's default name; the builder is builder@….
            return len(re.findall(r"->\s+celery@\S+: OK", ping.stdout)) >= count
        wait_until(answering, timeout, f"{count} workers answering", interval=2)

    def shell(self, code: str) -> str:
        """Python run by `manage.py shell` in the web container; the last line it printed."""
        printed = self.manage("shell", "--verbosity", "0", "-c", code).strip()
        return printed.splitlines()[-1] if printed else ""

    def down(self, volumes: bool = False) -> None:
        self.compose("down", "--remove-orphans", *(["--volumes"] if volumes else []),
                     timeout=300, check=False)

    def logs(self, *services) -> str:
        return self.compose("logs", "--no-color", *services, check=False).stdout

    def browser(self) -> "Browser":
        return Browser(self.url, stack=self)


class Browser:
    """A person's way through the site: cookies, CSRF tokens, forms."""

    def __init__(self, url: str, stack: "Stack | None" = None):
        self.url = url
        self.stack = stack
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.url + path, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def post(self, path: str, fields: dict, files: dict | None = None) -> tuple[int, str]:
        """Posts a form (multipart when there are files); the status and where it led."""
        body, content_type = multipart({"csrfmiddlewaretoken": self.csrf(), **fields},
                                       files or {})
        request = urllib.request.Request(self.url + path, data=body, method="POST", headers={
            "Content-Type": content_type, "Referer": self.url + path})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.url
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")[:2000]

    def sign_up(self, username: str, password: str) -> None:
        """Sign up with an e-mail address, have it verified (the link goes by e-mail, which
        the stack keeps in the container: marked verified here instead), and sign in."""
        self.get("/accounts/signup/")
        email = f"{username}@example.com"
        status, where = self.post("/accounts/signup/", {
            "username": username, "email": email, "password1": password,
            "password2": password})
        assert status == 200 and "/accounts/confirm-email/" in where, (status, where)
        self.stack.shell("from allauth.account.models import EmailAddress; "
                         f"EmailAddress.objects.filter(email='{email}').update(verified=True)")
        self.sign_in(username, password)

    def sign_in(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        status, where = self.post("/accounts/login/", {"login": username,
                                                       "password": password})
        assert status == 200 and "/accounts/login/" not in where, (status, where)

    def join(self, slug: str) -> None:
        self.get(f"/c/{slug}/")
        status, where = self.post(f"/c/{slug}/join/", {"accept_rules": "on"})
        assert status == 200 and where.endswith(f"/c/{slug}/data/"), (status, where)

    def upload(self, slug: str, name: str, content: bytes) -> None:
        self.get(f"/c/{slug}/submit/")
        status, where = self.post(f"/c/{slug}/submit/", {"description": "deploy test"},
                                  {"file": (name, content)})
        assert status == 200 and where.endswith(f"/c/{slug}/submissions/"), (status, where)

    def leaderboard_score(self, slug: str, team: str) -> str | None:
        status, page = self.get(f"/c/{slug}/leaderboard/")
        assert status == 200
        found = re.search(rf"<td>{re.escape(team)}</td><td class=\"score\">([0-9.]+)</td>",
                          page.decode())
        return found.group(1) if found else None


def upload_burst(browser: Browser, slug: str, content: bytes, count: int,
                 uploaders: int = 4) -> None:
    """`count` uploads by one signed-in person from `uploaders` threads at once, so that
    the queue fills faster than one worker empties it."""
    left = list(range(count))
    lock = threading.Lock()
    failures = []

    def upload():
        while True:
            with lock:
                if not left:
                    return
                left.pop()
            try:
                browser.upload(slug, "predictions.csv", content)
            except AssertionError as failure:
                failures.append(failure)

    threads = [threading.Thread(target=upload) for _ in range(uploaders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{urllib.parse.quote(filename)}"\r\n'
                     f"Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def wait_until(predicate, timeout: float, what: str, interval: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}")
