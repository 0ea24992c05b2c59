"""A real SMTP server (aiosmtpd) and a Celery queue of the test's own on the real Redis broker.

`smtp_server` starts a server on a free port of 127.0.0.1 and points Django's SMTP backend at it;
it records what it accepts and can be told to refuse (`refuse_rcpt`, `refuse_data`).
`task_queue` gives the test a Celery queue nobody else uses, so that tasks queued by other test
runs on the shared broker are never consumed here and this test's tasks can be counted.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import logging
import socket
import threading
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings

from config.celery import app as celery_app


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (right now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that keeps every accepted message, or refuses with a given reply."""

    received: list[EmailMessage] = field(default_factory=list)
    # The client's (host, port) of each accepted message: one port for a kept connection.
    peers: list[tuple[str, int]] = field(default_factory=list)
    # An SMTP reply such as "550 5.1.1 Mailbox unavailable", or None to accept.
    rcpt_reply: str | None = None
    data_reply: str | None = None
    # How many more messages to refuse before accepting again (None: until told otherwise).
    refusals_left: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _refusal(self, reply: str | None) -> str | None:
        with self.lock:
            if reply is None:
                return None
            if self.refusals_left is not None:
                if self.refusals_left <= 0:
                    return None
                self.refusals_left -= 1
            return reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusal = self._refusal(self.rcpt_reply)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        refusal = self._refusal(self.data_reply)
        if refusal is not None:
            return refusal
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(message)
            self.peers.append(tuple(session.peer[:2]))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler

    @property
    def received(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.received)

    def refuse_rcpt(self, reply: str, *, times: int | None = None) -> None:
        self.handler.rcpt_reply, self.handler.refusals_left = reply, times

    def refuse_data(self, reply: str, *, times: int | None = None) -> None:
        self.handler.data_reply, self.handler.refusals_left = reply, times

    def accept(self) -> None:
        self.handler.rcpt_reply = self.handler.data_reply = None
        self.handler.refusals_left = None


@pytest.fixture
def smtp_server(settings, caplog) -> SmtpServer:
    caplog.set_level(logging.WARNING, logger="mail.log")  # aiosmtpd logs every command
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield SmtpServer(host=controller.hostname, port=controller.port, handler=handler)
    finally:
        controller.stop()


@dataclass
class TaskQueue:
    name: str
    client: redis.Redis

    def tasks(self) -> list[tuple[str, list]]:
        """(task name, args) of every message waiting in the queue, oldest first."""
        waiting = []
        for raw in reversed(self.client.lrange(self.name, 0, -1)):
            envelope = json.loads(raw)
            args, _kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
            waiting.append((envelope["headers"]["task"], args))
        return waiting


def _forget_celery_routing() -> None:
    # The queues, the exchange (named after the default queue), the router and the task sender
    # (which holds the queues) are built once from task_default_queue; rebuild them.
    cached = ("queues", "default_queue", "default_exchange", "router", "send_task_message")
    for name in cached:
        celery_app.amqp.__dict__.pop(name, None)


@pytest.fixture
def task_queue() -> TaskQueue:
    """Route every task of this test to a queue of its own on the real broker (and empty it)."""
    name = f"rapport-test-{uuid.uuid4().hex}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    _forget_celery_routing()
    client = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_declare(name)
        connection.default_channel.queue_purge(name)
    try:
        yield TaskQueue(name=name, client=client)
    finally:
        celery_app.conf.task_default_queue = previous
        _forget_celery_routing()
        # The queue's lists (one per priority) and its exchange's bindings: every key that
        # names it. kombu's queue_delete only forgets the bindings its own connection made.
        client.delete(*client.scan_iter(match=f"*{name}*"), name)
        client.close()
