"""Resident memory of a web worker after start-up, and of beat's imports.

Run: DATABASE_URL=postgres://… .venv/bin/python bench/web_memory.py [--port 8391]
(the database must be migrated). It starts gunicorn with one sync worker as the compose
file does, asks it for the main pages (so that their views, templates and URL patterns
are loaded), and prints the worker's VmRSS and VmHWM from /proc; then it imports what
`celery beat` imports in a fresh process and prints the same. It also says whether
scikit-learn, SciPy or pandas were imported (they should not be: they are the scoring
worker's alone). Target: a web worker at most 130 MB after start-up.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("/", "/accounts/login/", "/accounts/signup/", "/api/v1/competitions/",
         "/api/v1/docs/", "/admin/login/")
BEAT_PROBE = """
import json, sys
from pathlib import Path
from config.celery import app
app.loader.import_default_modules()
status = Path("/proc/self/status").read_text()
print(json.dumps({"rss": status.split("VmRSS:")[1].split()[0],
                  "heavy": sorted({name.split(".")[0] for name in sys.modules} &
                                  {"sklearn", "scipy", "pandas"})}))
"""


def _status_kb(pid: int, field: str) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split(f"{field}:")[1].split()[0])


def _worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def _heavy_modules_in(pid: int) -> list[str]:
    maps = Path(f"/proc/{pid}/maps").read_text()
    return sorted(name for name in ("sklearn", "scipy", "pandas")
                  if f"/site-packages/{name}/" in maps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8391)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "config.settings",
           "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-a-secret"),
           "ALLOWED_HOSTS": "127.0.0.1", "STATIC_MANIFEST": "0"}
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "1",
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/", timeout=30).read()
                break
            except OSError:  # not listening yet (URLError and timeouts are OSErrors)
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        worker = _worker_pid(gunicorn.pid)
        started = _status_kb(worker, "VmRSS")
        for page in PAGES:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}{page}", timeout=30).read()
        print(f"web worker (gunicorn sync, 1 worker): VmRSS after the first page "
              f"{started / 1024:.0f} MiB, after {len(PAGES)} main pages "
              f"{_status_kb(worker, 'VmRSS') / 1024:.0f} MiB "
              f"(peak {_status_kb(worker, 'VmHWM') / 1024:.0f} MiB); heavy libraries "
              f"loaded: {_heavy_modules_in(worker) or 'none'}")
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    probe = subprocess.run([sys.executable, "-c", BEAT_PROBE], cwd=ROOT, env=env, check=True,
                           capture_output=True, text=True)
    beat = json.loads(probe.stdout.splitlines()[-1])
    print(f"beat's imports (config.celery + task modules): VmRSS {int(beat['rss']) / 1024:.0f} "
          f"MiB; heavy libraries imported: {beat['heavy'] or 'none'}")
    print("target: a web worker at most 130 MB (124 MiB) after start-up")


if __name__ == "__main__":
    main()
