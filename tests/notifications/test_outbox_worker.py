"""The outbox end to end: a committed event, the real Redis broker, a real Celery worker (in a
thread of the test process) and a real SMTP server. The worker has its own database connection,
so these tests commit (transactional_db) and each uses a Celery queue of its own."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connections, transaction
from django.utils import timezone

from config.celery import app as celery_app
from notifications.models import OutboxMessage
from notifications.services.outbox import SendOutcome, outbox_send
from notifications.tasks import outbox_flush_task
from projects.models import Role
from projects.services.invitations import invitation_create
from tests.notifications.test_outbox import Rollback, enqueue, in_rolled_back_transaction

pytestmark = pytest.mark.usefixtures("transactional_db")

WAIT_SECONDS = 15


def wait_until(condition: Callable[[], bool], *, timeout: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still waiting after {timeout} s")
        time.sleep(0.05)


def status_of(message: OutboxMessage) -> str:
    return OutboxMessage.objects.values_list("status", flat=True).get(pk=message.pk)


@pytest.fixture
def worker(task_queue):
    """A Celery worker consuming only this test's queue, emptied before it starts."""
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(task_queue.name)
    with start_worker(
        celery_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10
    ) as running:
        yield running


def test_committed_invitation_is_delivered_once_by_the_worker(pm, project, smtp_server, worker):
    invitation = invitation_create(
        actor=pm, project=project, email="new.rep@a.test", role=Role.CUSTOMER_REP
    )  # commits: the on_commit hook queues the send task
    message = OutboxMessage.objects.get(dedupe_key=f"invitation:{invitation.pk}")

    wait_until(lambda: status_of(message) == OutboxMessage.Status.SENT)
    wait_until(lambda: len(smtp_server.received) >= 1)
    time.sleep(0.3)  # room for a duplicate to show up, if there were one

    [received] = smtp_server.received
    assert received["Message-ID"] == message.message_id
    assert received["To"] == "new.rep@a.test"
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.sent_at is not None


def test_rolled_back_email_is_never_sent_by_the_worker(smtp_server, worker):
    with pytest.raises(Rollback):
        in_rolled_back_transaction(lambda: enqueue(1))
    kept = enqueue(2)  # committed after the rolled back one

    wait_until(lambda: status_of(kept) == OutboxMessage.Status.SENT)
    time.sleep(0.3)

    assert [m["To"] for m in smtp_server.received] == ["person2@example.test"]
    assert list(OutboxMessage.objects.values_list("to_email", flat=True)) == [
        "person2@example.test"
    ]


def test_refused_first_attempt_is_retried_by_the_worker_and_sent_once(
    smtp_server, worker, settings
):
    settings.OUTBOX_RETRY_BASE_SECONDS = 1
    smtp_server.refuse_data("451 4.3.0 Greylisted, try again later", times=1)

    message = enqueue(1)

    wait_until(lambda: status_of(message) == OutboxMessage.Status.SENT)
    time.sleep(0.3)
    [received] = smtp_server.received
    assert received["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert message.attempts == 2
    assert "451" in message.last_error
    assert message.next_attempt_at is None


def test_permanent_refusal_is_failed_by_the_worker_after_one_attempt(smtp_server, worker, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 1
    settings.OUTBOX_MAX_ATTEMPTS = 8
    smtp_server.refuse_rcpt("550 5.1.1 No such user")

    message = enqueue(1)

    wait_until(lambda: status_of(message) == OutboxMessage.Status.FAILED)
    time.sleep(1.5)  # longer than a retry would wait
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 1
    assert "(550, b'5.1.1 No such user')" in message.last_error
    assert message.next_attempt_at is None
    assert smtp_server.received == []


def test_flush_task_requeues_a_lost_message_and_the_worker_sends_it(smtp_server, worker):
    # Written without its task, as if the task had been lost with a broker restart.
    lost = OutboxMessage.objects.create(
        kind="test",
        to_email="lost@example.test",
        language="en",
        subject="Found again",
        body_text="This one's task was lost.",
        message_id=OutboxMessage.new_message_id(),
    )
    OutboxMessage.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )

    outbox_flush_task.delay()

    wait_until(lambda: status_of(lost) == OutboxMessage.Status.SENT)
    time.sleep(0.3)
    [received] = smtp_server.received
    assert received["Message-ID"] == lost.message_id
    assert received["Subject"] == "Found again"


def test_a_message_locked_by_another_sender_is_busy_and_not_sent_twice(smtp_server, task_queue):
    message = enqueue(1)  # no worker: its task waits in the queue
    assert [args for _, args in task_queue.tasks()] == [[message.pk]]
    locked = threading.Event()
    release = threading.Event()

    def hold_the_row() -> None:
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get(pk=message.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(10)
        assert outbox_send(message_id=message.pk) is SendOutcome.BUSY
    finally:
        release.set()
        holder.join(10)

    assert smtp_server.received == []
    assert status_of(message) == OutboxMessage.Status.PENDING
    assert outbox_send(message_id=message.pk) is SendOutcome.SENT
    assert len(smtp_server.received) == 1
