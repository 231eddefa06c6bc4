"""gunicorn's settings for the web process, in the repository and in the image alike (the
Dockerfile's CMD names this file). gunicorn reads ./gunicorn.conf.py at start; the command
line (`--bind`, `--workers`) and GUNICORN_CMD_ARGS override any value here.

What differs between deployments comes from the environment:
- WEB_CONCURRENCY: the number of sync workers (gunicorn's own name for it), default 3.
  Each holds one request at a time, the container's /healthz probe included.
- GUNICORN_BIND: the address, default 127.0.0.1:8000 (the image sets 0.0.0.0:8000).
- GUNICORN_ACCESS_LOG: `-` for an access log on stdout (the image sets it), empty for none.

Restarts lose no request (tests/integration/test_drills.py restarts the server while
uploads go on and counts failures):

- Sync workers: a worker handles one connection at a time and closes it after the answer
  (sync workers do no keep-alive), so a worker that stops never resets a kept-alive
  connection a client is about to reuse, as threaded workers did (4 in 7,661 requests).
  Put nginx or another proxy in front: it holds slow clients, keeps its own keep-alive
  with browsers, and buffers uploads, which sync workers need.
- graceful_timeout: a stopping worker first finishes the request it has (uploads take
  milliseconds; 25 s is for a slow one, and stays below docker-compose.yml's
  stop_grace_period of 30 s, after which Docker kills the container).
- preload_app: the application is imported once, in the master, before the workers fork:
  an import error stops the start-up rather than each worker in a loop, workers start in
  milliseconds, and they share the imported code's memory.
- Connections wait in the listening socket's backlog while workers change; the socket
  itself stays open across a reload (but not across a stop: at SIGTERM the master closes
  it and what waits in the backlog is dropped, bench/gunicorn_stop_backlog.py):
  - `kill -HUP <master>`: new workers (for new settings), the old ones finish and go.
    With preload_app the code is the master's, so for new code:
  - `kill -USR2 <master>` starts a new master with the new code on the same socket; once
    its workers answer, `kill -TERM <old master>` (its workers finish their requests).
  - Stopping the server (SIGTERM) and starting another leaves a gap in which connections
    are refused: the `kompe` client tries those again, a browser shows an error. Use the
    two signals above, or a proxy that retries, for deploys.
"""

import os
import sys


def _workers() -> int:
    value = os.environ.get("WEB_CONCURRENCY", "").strip() or "3"
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"WEB_CONCURRENCY must be a whole number of workers, not {value!r}")
    return int(value)


workers = _workers()
bind = [os.environ.get("GUNICORN_BIND", "").strip() or "127.0.0.1:8000"]
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "").strip() or None
worker_class = "sync"
graceful_timeout = 25
# A request still running after this long is stuck: its worker is restarted.
timeout = 60
preload_app = True
# Connections waiting for a worker; gunicorn's default, written down because the restarts
# above rely on it.
backlog = 2048

# Prometheus' multiprocess mode (config/gunicorn_hooks.py): /metrics sums every worker.
# gunicorn puts its working folder on sys.path before it reads this file; this line also
# covers `gunicorn -c /path/to/gunicorn.conf.py` started from another folder.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config.gunicorn_hooks import child_exit, on_exit  # noqa: E402, F401
