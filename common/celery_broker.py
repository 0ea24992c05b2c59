"""The Redis broker transport, with a worker that survives a Redis restart.

kombu's Redis transport restores the messages a worker holds unacknowledged (tasks waiting for
their ETA, a retry's countdown) when it closes a channel. After the broker connection is lost, the
worker first drops the transport's reference to its connection and then closes the channel; the
restore then needs the connection's address, finds none, and the worker stops with "Unrecoverable
error: AttributeError('NoneType' object has no attribute 'hostname')" — nothing is sent until
something restarts it. This channel keeps the address it was opened with, so the restore reaches
Redis when it is back (or fails with a connection error that the worker handles and retries),
and the messages go back to their queue.

Selected by CELERY_BROKER_TRANSPORT (config/settings/celery.py) for a redis:// broker.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import redis as kombu_redis


class Channel(kombu_redis.Channel):
    def __init__(self, connection: Any, *args: Any, **kwargs: Any) -> None:
        self._connection_info = connection.client
        super().__init__(connection, *args, **kwargs)

    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        transport = self.connection
        if transport.client is not None:
            return super()._connparams(asynchronous=asynchronous)
        # Closing after the connection was dropped: its address, for the restore.
        transport.client = self._connection_info
        try:
            return super()._connparams(asynchronous=asynchronous)
        finally:
            transport.client = None


class Transport(kombu_redis.Transport):
    Channel = Channel
