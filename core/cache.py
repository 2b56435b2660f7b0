"""A Redis cache that degrades instead of failing, and stops asking a Redis that does not answer.

When Redis is unreachable every read is a miss and every write is dropped (and logged), so a
lost Redis slows the site down but never turns a page into a 500. `add` answers True: allauth
takes it as "lock acquired" and its rate limits fail open, as DESIGN.md asks (a "do once"
guard runs its work, which every caller here tolerates).

A circuit breaker (`cache_breaker`) opens at the first connection error or timeout and stays
open `CACHE_BREAKER_SECONDS` (settings): meanwhile every call answers its fallback at once, so
a hung Redis costs a page one short socket timeout, not one per cache call. The breaker is per
process; after it closes, the next call tries Redis again.
"""

import functools
import threading
import time
import uuid

import redis
import structlog
from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = structlog.get_logger(__name__)


class CircuitBreaker:
    """Open for `seconds` after a failure: callers skip the service instead of waiting on it."""

    def __init__(self, name: str, seconds_setting: str, default: float = 5.0):
        self.name = name
        self.seconds_setting = seconds_setting
        self.default = default
        self._open_until = 0.0
        self._since: float | None = None
        self._lock = threading.Lock()

    @property
    def seconds(self) -> float:
        return float(getattr(settings, self.seconds_setting, self.default))

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self, error: BaseException | str) -> None:
        with self._lock:
            first = not self.is_open()
            self._open_until = time.monotonic() + self.seconds
            if self._since is None:
                self._since = time.time()
        if first:
            logger.warning(f"{self.name}_breaker_open", seconds=self.seconds, error=str(error))

    def succeed(self) -> None:
        if self._since is not None:
            with self._lock:
                since, self._since = self._since, None
            if since is not None:
                logger.info(
                    f"{self.name}_breaker_closed", down_seconds=round(time.time() - since, 1)
                )

    def down_since(self) -> float | None:
        """When the current run of failures began (epoch seconds), or None when healthy."""
        return self._since

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0
            self._since = None


cache_breaker = CircuitBreaker("cache", "CACHE_BREAKER_SECONDS")


def cache_is_degraded() -> bool:
    """The cache failed within the breaker's window: callers that depend on it (the sign-in
    limiter) know they are running without it."""
    return cache_breaker.is_open()


_FALLBACKS = {
    "add": True,
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


def _fallback(name, args, kwargs):
    if name == "get":
        return args[1] if len(args) > 1 else kwargs.get("default")
    if name == "incr":
        raise ValueError("cache unavailable")
    value = _FALLBACKS.get(name)
    return value.copy() if isinstance(value, dict | list) else value


def _degrade(name, method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if cache_breaker.is_open():
            return _fallback(name, args, kwargs)
        try:
            result = method(self, *args, **kwargs)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            logger.warning("cache_unavailable", operation=name, error=str(exc))
            cache_breaker.trip(exc)
            return _fallback(name, args, kwargs)
        cache_breaker.succeed()
        return result

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
