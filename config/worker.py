"""What only a Celery worker loads (named by the worker_consumer setting)."""
from functools import partial

from celery.worker.consumer import Consumer

# A worker whose broker went away tries again at once, then every half second, then every
# second. Celery's consumer asks kombu for its default backoff (2, 4, 6… up to 30 s), so a
# worker came back up to 10 s after Redis did, and no setting changes that: this consumer
# class passes these intervals instead.
RECONNECT_INTERVALS = {"interval_start": 0, "interval_step": 0.5, "interval_max": 1}


class QuickReconnectConsumer(Consumer):
    def ensure_connected(self, conn):
        conn.ensure_connection = partial(conn.ensure_connection, **RECONNECT_INTERVALS)
        return super().ensure_connected(conn)
