from core.cache import ResilientRedisCache


def test_unreachable_redis_degrades_to_misses():
    cache = ResilientRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.1}}
    )
    assert cache.get("missing", "fallback") == "fallback"
    cache.set("key", "value")  # dropped, no exception
    assert cache.get("key") is None
    assert cache.add("key", "value") is False
    assert cache.get_many(["a", "b"]) == {}
    cache.delete("key")
