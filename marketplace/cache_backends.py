"""A Redis cache whose outage is a cache miss, never an error page or a rolled-back order.

Django's own `RedisCache` raises `redis.ConnectionError` from every call while
Redis is down; with it a Redis blip turned the storefront into 500s and rolled
back the transaction that placed a paid order (issue 17.2). This backend
catches Redis errors: reads miss, writes are dropped, and one warning per
outage is logged. After a failure it does not ask Redis again for
`RETRY_AFTER_SECONDS`, so a page with twenty cache reads does not wait twenty
times for a dead server.

Code that must know whether Redis really answered (the health page, the
storefront version bump) uses `cache.strict`: the same server with the plain
`RedisCache`, which raises.
"""

import logging
import time
from functools import cached_property

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

ERRORS = (RedisError, OSError)
RETRY_AFTER_SECONDS = 2.0
_MISSING = object()


class FailSafeRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._server_and_params = (server, params)
        self._down_until = 0.0

    @cached_property
    def strict(self) -> RedisCache:
        """The same cache without the safety net: errors raise."""
        return RedisCache(*self._server_and_params)

    def _call(self, method: str, default, *args):
        if self._down_until and time.monotonic() < self._down_until:
            return default
        try:
            result = getattr(RedisCache, method)(self, *args)
        except ERRORS as exc:
            if not self._down_until:
                logger.warning("Cache unavailable (%s: %s): serving without it", exc.__class__.__name__, exc)
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            return default
        if self._down_until:
            logger.warning("Cache available again")
            self._down_until = 0.0
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)
