"""A Redis cache that fails open: while Redis cannot be reached, the cache behaves as an empty
one that forgets what it is given (Django's DummyCache), and a warning is logged, so that the
pages that use it (signing in, whose rate limits live in the cache) keep working.

And versions for what is cached from the database (cache_version, cache_version_replace): the
entries' keys carry a version that every write to their data replaces."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from redis.commands.core import Script
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

T = TypeVar("T")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# One warning per process this often while Redis stays unreachable; the rest at DEBUG.
WARN_EVERY_SECONDS = 60.0


class ClientPerPool(RedisCacheClient):
    """Django's Redis cache client, keeping one `redis.Redis` per connection pool. Django's own
    makes a new one for every operation, which builds its table of reply handlers each time:
    a tenth of a millisecond per cache read. A `redis.Redis` is safe to share between threads
    (each command takes a connection from the pool)."""

    # Django's, which its type stubs leave out.
    _client: Callable[..., Any]
    _get_connection_pool: Callable[[bool], Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    _last_warning = 0.0

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ClientPerPool

    def _failing_open(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        level = logging.DEBUG
        if now - FailOpenRedisCache._last_warning >= WARN_EVERY_SECONDS:
            FailOpenRedisCache._last_warning = now
            level = logging.WARNING
        logger.log(
            level,
            "Cache unreachable, treated as empty (%s): %s: %s",
            operation,
            error.__class__.__name__,
            error,
        )

    def _safely(self, operation: str, fallback: T, call: Callable[..., T], *args: Any) -> T:
        try:
            return call(*args)
        except UNREACHABLE as error:
            self._failing_open(operation, error)
            return fallback

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        # True, as an empty cache would answer: a lock taken with add() is then taken.
        return self._safely("add", True, super().add, key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._safely("get", default, super().get, key, default, version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._safely("set", None, super().set, key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._safely("touch", False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._safely("delete", False, super().delete, key, version)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._safely("get_many", {}, super().get_many, keys, version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._safely("has_key", False, super().has_key, key, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            self._failing_open("incr", error)
            raise ValueError(f"Key '{key}' not found.") from error  # as for a missing key

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._safely("set_many", [], super().set_many, data, timeout, version)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._safely("delete_many", None, super().delete_many, keys, version)

    def clear(self) -> None:
        self._safely("clear", None, super().clear)

    def window_hit(self, key: str, limit: int, seconds: int, now: float) -> WindowCount:
        """Count a call against `limit` calls in any `seconds`, in one round trip: a sliding
        window estimated from two fixed ones (the calls of the current window, and those of the
        one before weighed by the share of it still inside the sliding window). A refused call
        is not counted. Redis unreachable: allowed, as an empty cache would allow it."""
        start = int(now // seconds) * seconds
        weight = 1 - (now - start) / seconds
        current = self.make_and_validate_key(f"{key}:{start}")
        previous = self.make_and_validate_key(f"{key}:{start - seconds}")

        def hit() -> WindowCount:
            client = self._cache.get_client(current, write=True)  # type: ignore[attr-defined]
            allowed, in_current, in_previous = _WINDOW_HIT(
                keys=[current, previous], args=[repr(weight), limit, 2 * seconds], client=client
            )
            return WindowCount(bool(allowed), int(in_current), int(in_previous), weight)

        return self._safely("window_hit", WindowCount(True, 0, 0, weight), hit)


class WindowCount(NamedTuple):
    allowed: bool
    current: int  # the calls counted in the current fixed window
    previous: int  # in the one before
    weight: float  # the share of the one before still inside the sliding window


# KEYS: the current window's counter, the previous one's. ARGV: the previous one's weight, the
# limit, the counter's lifetime in seconds.
_WINDOW_HIT = Script(
    None,  # type: ignore[arg-type]  # the client is given at each call
    b"""
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if previous * tonumber(ARGV[1]) + current >= tonumber(ARGV[2]) then
  return {0, current, previous}
end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {1, current + 1, previous}
""",
)


# --- Versions ------------------------------------------------------------------------------------


def cache_version(key: str) -> str | None:
    """The version kept under `key` (a random token, never expiring), set when there is none;
    None while the cache does not answer. An evicted version is replaced by a new token, so the
    entries kept under the old one are never read again."""
    from django.core.cache import cache

    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key)
    return version


def cache_version_replace(key: str) -> None:
    """A new version under `key`, at once and again after the current transaction commits (at
    once outside one): what was cached under the old version is never read again, and what a
    reader built in between from the data before the commit is kept under a version the
    commit replaces."""
    from django.core.cache import cache

    def replace() -> None:
        cache.set(key, uuid.uuid4().hex, timeout=None)

    replace()
    transaction.on_commit(replace)
