"""The embedded SQLite default as a supported database: its connection options, and the one
place that waits out a write lock.

SQLite lets one writer at a time. With the options below (`sqlite_options`) the file is in WAL
mode, so readers never block the writer nor the writer the readers; every transaction starts
with `BEGIN IMMEDIATE`, so it takes the write lock when it opens (waiting up to the busy timeout)
instead of failing when a read turns into a write half-way; and a statement that finds the lock
taken waits up to SQLITE_BUSY_TIMEOUT_SECONDS. What can still fail is a write that waited longer
than that; `retry_when_locked` tries such a write again a few times, briefly, where losing it
would cost more than a retry (recording that an e-mail went out).

PostgreSQL is unaffected: the options only apply to SQLite, and it never reports a locked
database.

SQLite has no `percentile_cont`: each SQLite connection gets `RAPPORT_MEDIAN(x)`, the median of
its non-null values as PostgreSQL's `percentile_cont(0.5) WITHIN GROUP (ORDER BY x)` gives it (the
mean of the middle two of an even number), so that a median is part of its query there too
(`add_sqlite_functions`, connected to `connection_created` by common.apps).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.db import OperationalError, connection

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# How many times a write that found the database locked is tried in all, and the pause before
# the second try (doubled for each further one).
LOCKED_ATTEMPTS = 4
LOCKED_FIRST_PAUSE_SECONDS = 0.2


def sqlite_options(*, busy_timeout_seconds: int) -> dict[str, object]:
    """DATABASES[...]["OPTIONS"] for SQLite: WAL, synchronous=NORMAL (safe in WAL mode: a crash
    of the machine may lose the last commits, never corrupt the file), the busy timeout (the
    driver's `timeout`, in seconds) and IMMEDIATE transactions (Django 5.1+)."""
    return {
        "timeout": busy_timeout_seconds,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }


SQLITE_MEDIAN = "RAPPORT_MEDIAN"


class _Median:
    """The SQLite aggregate behind SQLITE_MEDIAN."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        if not self.values:
            return None
        values = sorted(self.values)
        middle = len(values) // 2
        if len(values) % 2:
            return values[middle]
        return (values[middle - 1] + values[middle]) / 2


def add_sqlite_functions(sender: object, connection: Any, **kwargs: object) -> None:
    """`connection_created` receiver: a new SQLite connection gets SQLITE_MEDIAN."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_MEDIAN, 1, _Median)


def is_database_locked(error: BaseException) -> bool:
    """SQLite's "database is locked" / "database table is locked" (the busy timeout ran out)."""
    return isinstance(error, OperationalError) and "locked" in str(error).lower()


def retry_when_locked(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` again (up to LOCKED_ATTEMPTS in all, with a short growing pause) when it
    fails because the database is locked. Only outside a transaction: inside one, the caller's
    transaction is what failed, and only the caller can start it again. `function` must be safe
    to run twice (its own short transaction, or one guarded statement)."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        pause = LOCKED_FIRST_PAUSE_SECONDS
        for attempt in range(1, LOCKED_ATTEMPTS + 1):
            try:
                return function(*args, **kwargs)
            except OperationalError as error:
                if (
                    not is_database_locked(error)
                    or connection.in_atomic_block
                    or attempt == LOCKED_ATTEMPTS
                ):
                    raise
                logger.warning(
                    "%s: database locked, trying again in %.1f s", function.__qualname__, pause
                )
                time.sleep(pause)
                pause *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper
