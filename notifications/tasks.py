"""Thin Celery tasks around notifications.services."""

from __future__ import annotations

from celery import shared_task

from config.celery import SendingTask
from notifications import services
from notifications.services import SendOutcome


@shared_task(bind=True, base=SendingTask, max_retries=None)
def outbox_send_task(self, message_id: int) -> str:  # type: ignore[no-untyped-def]
    """outbox_send records SMTP refusals itself (and gives up after OUTBOX_MAX_ATTEMPTS), so the
    retry here follows the message's own schedule rather than the base class's."""
    outcome = services.outbox_send(message_id=message_id)
    if outcome is SendOutcome.RETRY:
        # At the time recorded on the message, so that outbox_due_ids agrees with the retry.
        raise self.retry(countdown=services.outbox_retry_countdown(message_id=message_id))
    return outcome.value


@shared_task(acks_late=True)
def outbox_flush_task() -> int:
    """Re-queue pending messages whose task was lost; safe because sending locks the row."""
    ids = services.outbox_due_ids()
    for message_id in ids:
        outbox_send_task.delay(message_id)
    return len(ids)


@shared_task
def notifications_prune_task() -> int:
    return services.notifications_prune()


@shared_task
def digests_send_task() -> int:
    """Every 15 minutes: the daily digest of each person whose 07:00 local time has come."""
    return services.digests_send_due()
