"""The shared cache on Redis, failing soft: a Redis outage degrades the pages that use it, never breaks them.

Django's RedisCache raises when Redis is unreachable, which turned /verify/ and employer sign-up into
error pages (issue 11, item 7). This subclass keeps its behaviour while Redis answers and, when it does
not (connection refused, or no answer within REDIS_TIMEOUT), behaves like this:

- values (`get`, `set`, `delete`, ...) act as on an empty cache that keeps nothing: a miss. A page cache
  is skipped rather than kept per process, where a state change elsewhere could not clear it (the
  /verify/ page of a revoked certificate must not be served stale);
- counters (`add`, `incr`, `decr`) count in this process's memory, so rate limits (django-ratelimit)
  still hold per process instead of failing open or refusing everyone.

After a failure, Redis is skipped for REDIS_RETRY_SECONDS (common/breaker.py), so an outage costs one
timeout per process now and then, not one per call. docs/decisions/0051-redis-outages.md.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from common.breaker import CircuitBreaker

T = TypeVar("T")

# What "Redis is unreachable" looks like (redis-py wraps socket errors in these).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params: dict[str, Any]) -> None:
        options = {
            "socket_connect_timeout": settings.REDIS_TIMEOUT,
            "socket_timeout": settings.REDIS_TIMEOUT,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        self.breaker = CircuitBreaker("the shared cache (Redis)")
        local_params = {k: v for k, v in params.items() if k in {"TIMEOUT", "KEY_PREFIX", "VERSION"}}
        self.local_counters = LocMemCache(f"failsoft-counters-{id(self)}", local_params)

    def _try(self, call: Callable[[], T], fallback: Callable[[], T]) -> T:
        if not self.breaker.available():
            return fallback()
        try:
            result = call()
        except UNREACHABLE as error:
            self.breaker.failed(error)
            return fallback()
        self.breaker.succeeded()
        return result

    # --- counters: per process while Redis is away ---------------------------------------------------
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(
            lambda: super(FailSoftRedisCache, self).add(key, value, timeout, version),
            lambda: self.local_counters.add(key, value, timeout, version),
        )

    def incr(self, key, delta=1, version=None):
        return self._try(
            lambda: super(FailSoftRedisCache, self).incr(key, delta, version),
            lambda: self.local_counters.incr(key, delta, version),
        )

    # --- values: a miss while Redis is away ------------------------------------------------------------
    def get(self, key, default=None, version=None):
        return self._try(lambda: super(FailSoftRedisCache, self).get(key, default, version), lambda: default)

    def get_many(self, keys, version=None):
        return self._try(lambda: super(FailSoftRedisCache, self).get_many(keys, version), dict)

    def has_key(self, key, version=None):
        return self._try(lambda: super(FailSoftRedisCache, self).has_key(key, version), lambda: False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._try(lambda: super(FailSoftRedisCache, self).set(key, value, timeout, version), lambda: None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(
            lambda: super(FailSoftRedisCache, self).set_many(data, timeout, version), lambda: list(data)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(lambda: super(FailSoftRedisCache, self).touch(key, timeout, version), lambda: False)

    def delete(self, key, version=None):
        return self._try(lambda: super(FailSoftRedisCache, self).delete(key, version), lambda: False)

    def delete_many(self, keys, version=None):
        self._try(lambda: super(FailSoftRedisCache, self).delete_many(keys, version), lambda: None)

    def clear(self):
        self.local_counters.clear()
        return self._try(lambda: super(FailSoftRedisCache, self).clear(), lambda: False)
