from unittest import mock

import pytest
import redis

from core.cache import ResilientRedisCache, cache_breaker


@pytest.fixture(autouse=True)
def _closed_breaker():
    cache_breaker.reset()
    yield
    cache_breaker.reset()


def test_unreachable_redis_degrades_to_misses():
    cache = ResilientRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.1}}
    )
    assert cache.get("missing", "fallback") == "fallback"
    cache.set("key", "value")  # dropped, no exception
    assert cache.get("key") is None
    # add() answers True: a lock taken on a lost cache is "acquired" (allauth fails open).
    assert cache.add("key", "value") is True
    assert cache.get_many(["a", "b"]) == {}
    cache.delete("key")
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_after_one_failure_the_breaker_skips_redis(settings):
    settings.CACHE_BREAKER_SECONDS = 60
    cache = ResilientRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.1}}
    )
    assert cache.get("a") is None
    assert cache_breaker.is_open()
    assert cache_breaker.down_since() is not None
    with mock.patch.object(redis.Redis, "execute_command") as call:
        for _ in range(7):  # about what a signed-in page asks
            assert cache.get("a", "x") == "x"
            cache.set("a", 1)
        call.assert_not_called()


def test_the_breaker_closes_after_its_window(settings):
    settings.CACHE_BREAKER_SECONDS = 0
    cache = ResilientRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.1}}
    )
    cache.get("a")
    assert not cache_breaker.is_open()  # zero seconds: tried again next call
