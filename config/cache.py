"""The shared cache's backend: django-redis, failing open on every command.

django-redis with IGNORE_EXCEPTIONS answers `add` with None while Redis is down. Code that
takes a lock with `cache.add` then waits and gives up: allauth's rate limits do, and would
refuse every sign-in and password reset while Redis is down. Here `add` says "added"
instead, so that limits are not counted (fail open), as everywhere else (settings.CACHES).
"""

from django_redis.cache import RedisCache, omit_exception


class FailOpenRedisCache(RedisCache):
    @omit_exception(return_value=True)
    def add(self, *args, **kwargs):
        return self.client.add(*args, **kwargs)
