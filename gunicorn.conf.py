"""gunicorn's settings for the web process. gunicorn reads ./gunicorn.conf.py at start; the
command line (`--bind`, `--workers`) and GUNICORN_CMD_ARGS override any value here.

Restarts lose no request (tests/integration/test_drills.py restarts the server while
uploads go on and counts failures):

- Sync workers: a worker handles one connection at a time and closes it after the answer
  (sync workers do no keep-alive), so a worker that stops never resets a kept-alive
  connection a client is about to reuse, as threaded workers did (4 in 7,661 requests).
  Put nginx or another proxy in front: it holds slow clients, keeps its own keep-alive
  with browsers, and buffers uploads, which sync workers need.
- graceful_timeout: a stopping worker first finishes the request it has (uploads take
  milliseconds; 30 s is for a slow one).
- preload_app: the application is imported once, in the master, before the workers fork:
  an import error stops the start-up rather than each worker in a loop, workers start in
  milliseconds, and they share the imported code's memory.
- Connections wait in the listening socket's backlog while workers change; the socket
  itself stays open across a reload:
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

worker_class = "sync"
graceful_timeout = 30
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
