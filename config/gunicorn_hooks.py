"""gunicorn hooks for Prometheus' multiprocess mode: /metrics adds up the request figures
of all of a server's workers, whichever worker answers the scrape (without it, each scrape
saw one worker's counts at random).

prometheus_client keeps each process's figures in files under PROMETHEUS_MULTIPROC_DIR,
and reads that variable when it is imported, so it is set here, in the master, before the
application is loaded (gunicorn loads its config first): a folder of this master's own,
made empty at start and removed at exit. A new master (`kill -USR2`) starts with its own
folder, so its counters start from zero, which Prometheus takes as a restart. Celery
workers and management commands never load this module and keep the ordinary one-process
registry.

Loaded by gunicorn.conf.py, which the repository and the image both run gunicorn with.
"""

import os
import shutil
import tempfile

METRICS_DIR = os.path.join(tempfile.gettempdir(), f"kompe-metrics-{os.getpid()}")
# This master's folder, even if the environment names another (a USR2 child inherits its
# parent's environment; the two must not share, and must not empty each other's).
os.environ["PROMETHEUS_MULTIPROC_DIR"] = METRICS_DIR
shutil.rmtree(METRICS_DIR, ignore_errors=True)
os.makedirs(METRICS_DIR)


def child_exit(server, worker):
    # A stopped worker's counters stay in the sums; its live gauges go.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, METRICS_DIR)


def on_exit(server):
    shutil.rmtree(METRICS_DIR, ignore_errors=True)
