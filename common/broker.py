"""What the Celery broker holds and who listens to it, asked with short timeouts so that a page
or a scrape stays quick when the broker is down (then the answer is None, never an exception).

Both transports Rapport uses are kombu virtual transports that know a queue's size: Redis
sums the lengths of the queue's lists (one per priority; an empty queue has no list), the
filesystem transport counts the queue's message files.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from celery import Celery
from kombu import Connection

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_SECONDS = 0.5


@dataclass(frozen=True)
class BrokerState:
    """`depths` is {queue: waiting tasks}, or None when the broker could not be reached;
    `workers` the names of the workers that answered a ping (None when not asked)."""

    depths: dict[str, int] | None
    workers: list[str] | None = None

    @property
    def is_available(self) -> bool:
        return self.depths is not None


def _connection(app: Celery, timeout: float) -> Connection:
    options: dict[str, Any] = dict(app.conf.broker_transport_options or {})
    if str(app.conf.broker_url or "").startswith(("redis://", "rediss://", "unix://")):
        options.update(socket_timeout=timeout, socket_connect_timeout=timeout)
    return Connection(app.conf.broker_url, transport_options=options, connect_timeout=timeout)


def _size(channel: Any, queue: str) -> int:
    size = getattr(channel, "_size", None)
    if size is not None:  # kombu's virtual transports (Redis, filesystem): no declaration needed
        return int(size(queue))
    return int(channel.queue_declare(queue=queue, passive=True).message_count)


def broker_state(
    app: Celery,
    *,
    queues: Iterable[str],
    ping_workers: bool = False,
    timeout: float = PROBE_TIMEOUT_SECONDS,
) -> BrokerState:
    """The number of tasks waiting in each of `queues` and, with `ping_workers`, which workers
    answer a ping within `timeout`. One connection, no retry: a broker that is down costs about
    `timeout`."""
    try:
        with _connection(app, timeout) as connection:
            # One try, no retry: kombu waits two seconds before a retry.
            connection.ensure_connection(max_retries=0, timeout=timeout)
            channel = connection.default_channel
            depths = {queue: _size(channel, queue) for queue in queues}
            workers = _ping(app, connection, timeout) if ping_workers else None
    except Exception as error:  # a broker down or refusing
        logger.warning("Broker state unavailable: %s: %s", error.__class__.__name__, error)
        return BrokerState(depths=None)
    return BrokerState(depths=depths, workers=workers)


def _ping(app: Celery, connection: Connection, timeout: float) -> list[str] | None:
    """The names of the workers that answer within `timeout`; None when the ping itself
    failed (a transport without broadcast)."""
    try:
        replies = app.control.ping(timeout=timeout, connection=connection)
    except Exception as error:
        logger.warning("Worker ping failed: %s: %s", error.__class__.__name__, error)
        return None
    return sorted(name for reply in replies or [] for name in reply)
