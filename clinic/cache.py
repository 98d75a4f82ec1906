"""A Redis cache that degrades instead of failing.

When Redis is down, every cache call logs a warning and behaves like a cache miss, so pages are
still served (just uncached). Writes report success so callers carry on: the enquiry rate limit
therefore fails open (no limit while Redis is down) rather than turning patients away. That is a
deliberate choice, documented in README.md ("Faults"): never lose a genuine enquiry.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _degrade_to(fallback):
    """Wrap a cache method: on a Redis error, log and return fallback(*args, **kwargs)."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                logger.warning(
                    "cache unavailable during %s, continuing uncached: %s",
                    method.__name__,
                    type(error).__name__,
                )
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


class ResilientRedisCache(RedisCache):
    get = _degrade_to(lambda key, default=None, *a, **k: default)(RedisCache.get)
    get_many = _degrade_to(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _degrade_to(lambda *a, **k: False)(RedisCache.has_key)
    set = _degrade_to(lambda *a, **k: None)(RedisCache.set)
    set_many = _degrade_to(lambda data, *a, **k: list(data))(RedisCache.set_many)
    add = _degrade_to(lambda *a, **k: True)(RedisCache.add)
    incr = _degrade_to(lambda key, delta=1, *a, **k: delta)(RedisCache.incr)
    touch = _degrade_to(lambda *a, **k: False)(RedisCache.touch)
    delete = _degrade_to(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _degrade_to(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _degrade_to(lambda *a, **k: False)(RedisCache.clear)
