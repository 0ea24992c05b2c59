"""An e-mail the SMTP server accepted is never sent again, even when recording the send fails
right after the accept. The real Redis broker, a real Celery worker (in a thread of the test
process), a real SMTP server; the fault is injected into the record step only (the database
refuses the UPDATE once), everything else runs for real. These tests commit."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime

import pytest
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from common.database import retry_when_locked
from notifications.models import OutboxMessage
from notifications.services import outbox
from tests.notifications.test_outbox import enqueue
from tests.notifications.test_outbox_worker import status_of, wait_until, worker  # noqa: F401

pytestmark = pytest.mark.usefixtures("transactional_db")


class RecordFailsOnce:
    """Wraps the record step (the function under common.database.retry_when_locked): the first
    record of a send the server accepted raises `error`; everything else runs unchanged."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.failed_at: list[datetime] = []
        self.inner = outbox._record.__wrapped__

    def __call__(self, message: OutboxMessage, fields: dict) -> None:
        if fields.get("status") == OutboxMessage.Status.SENT and not self.failed_at:
            self.failed_at.append(timezone.now())
            raise self.error
        self.inner(message, fields)


def copies_per_recipient(received) -> Counter:
    return Counter((message["Message-ID"], message["To"]) for message in received)


@pytest.fixture
def record_fails_once(monkeypatch):
    def install(error: Exception) -> RecordFailsOnce:
        fault = RecordFailsOnce(error)

        def record(message: OutboxMessage, fields: dict) -> None:
            fault(message, fields)

        monkeypatch.setattr(outbox, "_record", retry_when_locked(record))
        return fault

    return install


@pytest.mark.usefixtures("worker")
def test_a_locked_record_after_the_accept_is_retried_at_once_and_sends_once(
    smtp_server, record_fails_once
):
    fault = record_fails_once(OperationalError("database is locked"))

    message = enqueue(1)  # commits: the worker sends it

    wait_until(lambda: status_of(message) == OutboxMessage.Status.SENT)
    time.sleep(0.5)  # room for a second copy to show up, if there were one
    assert len(fault.failed_at) == 1
    assert copies_per_recipient(smtp_server.received) == {
        (message.message_id, "person1@example.test"): 1
    }
    message.refresh_from_db()
    assert (message.attempts, message.claimed_at) == (1, None)


@pytest.mark.usefixtures("worker")
def test_an_accepted_message_whose_record_fails_is_recorded_by_the_retry_not_sent_again(
    smtp_server, record_fails_once, settings
):
    """The connection to the database is lost right after the accept (no in-place retry helps):
    the task is retried with the time of the accept and only records it."""
    settings.SEND_RECORD_RETRY_SECONDS = 1
    fault = record_fails_once(InterfaceError("connection already closed"))

    message = enqueue(1)

    wait_until(lambda: status_of(message) == OutboxMessage.Status.SENT)
    time.sleep(1.5)  # a retry that sent again would have done so by now
    assert len(fault.failed_at) == 1
    assert copies_per_recipient(smtp_server.received) == {
        (message.message_id, "person1@example.test"): 1
    }
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.claimed_at is None
    # Recorded with the time of the accept, carried by the retry (before the failure).
    assert message.sent_at <= fault.failed_at[0]


def test_the_flush_leaves_a_claimed_message_to_its_sender(db):
    message = enqueue(1)
    stale = timezone.now() - outbox.outbox_claim_stale_after()
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - outbox.outbox_claim_stale_after(),
        claimed_at=timezone.now(),
    )
    assert outbox.outbox_due_ids() == []
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_at=stale)
    assert outbox.outbox_due_ids() == [message.pk]
