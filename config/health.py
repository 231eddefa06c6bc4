"""/healthz: the database, the broker, the file storage and a live scoring worker, each
checked by django-health-check on every request. 200 when all answer, 500 otherwise
(with `?format=json` the details). The compose file's health check of the web container
asks it."""

import datetime

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


async def healthz(request, *args, **kwargs):
    # The checks follow the settings of the moment (a test's overrides included).
    return await HealthCheckView.as_view(checks=checks())(request, *args, **kwargs)
