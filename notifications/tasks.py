"""Thin Celery tasks around the notifications services."""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings

from common.tasks import SendingTask, broker_backlog
from notifications.mail import AcceptedNotRecorded, SendOutcome
from notifications.services import digests, notifications, outbox


# One message, one SMTP transaction (each step at most EMAIL_TIMEOUT): a sender still at it after
# 70 s is stopped, so that a claim older than OUTBOX_CLAIM_STALE_SECONDS (75 s) is surely dead
# and the outbox flush (every 30 s) sends the message of a killed worker within about 105 s.
@shared_task(bind=True, base=SendingTask, max_retries=None, soft_time_limit=60, time_limit=70)
def outbox_send_task(self: SendingTask, message_id: int, accepted_at: str | None = None) -> str:
    """outbox_send records SMTP refusals itself (a permanent one fails at once, a transient one
    after OUTBOX_MAX_ATTEMPTS), so the retry here follows the message's own schedule rather than
    the base class's. A message the server accepted but the database did not record is retried
    with the time of the accept, which only records it: it is never sent twice."""
    try:
        outcome = outbox.outbox_send(
            message_id=message_id,
            accepted_at=datetime.fromisoformat(accepted_at) if accepted_at else None,
        )
    except AcceptedNotRecorded as accepted:
        raise self.retry(
            args=(message_id,),
            kwargs={"accepted_at": accepted.accepted_at.isoformat()},
            countdown=settings.SEND_RECORD_RETRY_SECONDS,
        ) from accepted
    if outcome is SendOutcome.RETRY:
        # At the time recorded on the message, so that outbox_due_ids agrees with the retry.
        raise self.retry(countdown=outbox.outbox_retry_countdown(message_id=message_id))
    return outcome.value


@shared_task(acks_late=True)
def outbox_flush_task() -> int:
    """Re-queue pending messages whose task was lost; safe because a sender claims the row.
    While the broker still holds tasks for the workers (a large send in progress), a message is
    most likely waiting behind them: only those older than the backlog grace are taken."""
    backlog = broker_backlog() > 0
    ids = outbox.outbox_due_ids(
        grace=timedelta(
            seconds=settings.OUTBOX_FLUSH_BACKLOG_GRACE_SECONDS
            if backlog
            else settings.OUTBOX_FLUSH_GRACE_SECONDS
        )
    )
    for message_id in ids:
        outbox_send_task.delay(message_id)
    return len(ids)


@shared_task
def notifications_prune_task() -> int:
    return notifications.notifications_prune()


@shared_task
def digests_send_task() -> int:
    """Every 15 minutes: the daily digest of each person whose 07:00 local time has come."""
    return digests.digests_send_due()
