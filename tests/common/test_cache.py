"""The Redis cache (common.cache): one client per connection pool, failing open while Redis is
away and working again when it is back, through the same client."""

from __future__ import annotations

import pytest

from common.cache import FailOpenRedisCache


def _cache(url: str) -> FailOpenRedisCache:
    return FailOpenRedisCache(
        url, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    )


def test_the_cache_keeps_one_client_per_pool(private_redis):
    cache = _cache(private_redis.url)
    cache.set("key", "value")

    assert cache.get("key") == "value"
    assert cache._cache.get_client() is cache._cache.get_client(write=True)


def test_the_kept_client_fails_open_while_redis_is_away_and_works_when_it_is_back(private_redis):
    cache = _cache(private_redis.url)
    cache.set("before", 1)
    client = cache._cache.get_client()

    private_redis.stop()
    assert cache.get("before", "missing") == "missing"
    cache.set("during", 2)  # forgotten, without an error

    private_redis.start()
    cache.set("after", 3)
    assert cache.get("after") == 3
    assert cache.get("during") is None
    assert cache._cache.get_client() is client


@pytest.mark.parametrize("operation", ["get", "get_many", "has_key"])
def test_every_read_fails_open(operation, private_redis):
    cache = _cache(private_redis.url)
    private_redis.stop()
    fallback = {"get": None, "get_many": {}, "has_key": False}[operation]
    argument = ["a"] if operation == "get_many" else "a"

    assert getattr(cache, operation)(argument) == fallback
