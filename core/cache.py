"""A Redis cache that degrades instead of failing.

When Redis is unreachable every read is a miss and every write is dropped (and logged), so a
lost Redis slows the site down but never turns a page into a 500. allauth's rate limits read
the cache too: they fail open, as DESIGN.md asks.
"""

import functools
import uuid

import redis
import structlog
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = structlog.get_logger(__name__)

_FALLBACKS = {
    "add": False,
    "get": None,  # replaced by the caller's default below
    "set": None,
    "touch": False,
    "delete": False,
    "get_many": {},
    "has_key": False,
    "set_many": [],
    "delete_many": None,
    "clear": False,
}


def _degrade(name, method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            logger.warning("cache_unavailable", operation=name, error=str(exc))
            if name == "get":
                return args[1] if len(args) > 1 else kwargs.get("default")
            if name == "incr":
                raise ValueError("cache unavailable") from exc
            return _FALLBACKS.get(name)

    return wrapper


class ResilientRedisCacheClient(RedisCacheClient):
    pass


for _name in [*_FALLBACKS, "incr"]:
    setattr(
        ResilientRedisCacheClient,
        _name,
        _degrade(_name, getattr(RedisCacheClient, _name)),
    )


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient


# --- versioned keys -----------------------------------------------------------------------------
# Apps cache what a change elsewhere makes stale under a version token (a content version, a
# learner's version) instead of deleting keys one by one: a new token makes every copy a miss.


def cache_version(key: str, timeout: int | None = None) -> str:
    """The version token stored at `key`, made on first use."""
    from django.core.cache import cache

    version = cache.get(key)
    if version is None:
        version = uuid.uuid4().hex
        cache.set(key, version, timeout)
    return version


def bump_cache_version(key: str) -> None:
    """A new token now, and again when the transaction commits: a request that read the old
    rows before the change was committed cannot keep its stale copy under the new token."""
    from django.core.cache import cache
    from django.db import transaction

    def forget() -> None:
        cache.delete(key)

    forget()
    transaction.on_commit(forget)
