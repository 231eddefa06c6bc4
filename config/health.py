"""/healthz: the database, the broker, the file storage and a live scoring worker, each
checked by django-health-check on every request. 200 when all answer, 500 otherwise
(with `?format=json` the details). The compose file's health check of the web container
asks it."""

import datetime
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync
from django.conf import settings
from health_check.checks import Database, Storage
from health_check.views import HealthCheckView

WORKER_PING_SECONDS = 2


def checks() -> list:
    """(check class, its options) pairs, as HealthCheckView takes them."""
    found = [(Database, {}), (Storage, {"alias": "private"})]
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        from health_check.contrib.celery import Ping
        from health_check.contrib.redis import Redis
        from redis.asyncio import Redis as RedisClient

        found.append((Redis, {"client_factory": lambda: RedisClient.from_url(
            settings.CELERY_BROKER_URL, socket_timeout=3, socket_connect_timeout=3)}))
        # A worker answers on the scoring queue (the filesystem broker of the embedded
        # mode cannot broadcast, so there the worker is not asked). Every worker that
        # answers within the timeout counts: the first to answer may be the builder.
        found.append((Ping, {"timeout": datetime.timedelta(seconds=WORKER_PING_SECONDS)}))
    return found


def healthz(request, *args, **kwargs):
    """django-health-check's view is async; this one is sync and runs it in a thread of
    its own, so that it works whoever calls (a caller whose thread already runs an event
    loop, such as a test beside Playwright, could not wait for it in place). The checks
    follow the settings of the moment."""
    view = async_to_sync(HealthCheckView.as_view(checks=checks()))
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(view, request, *args, **kwargs).result()
