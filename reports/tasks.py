"""Thin Celery tasks around reports.dispatch and reports.delivery (ids only, safe to run twice)."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.conf import settings

from common.tasks import SendingTask, broker_backlog
from notifications.mail import AcceptedNotRecorded, SendOutcome
from projects.closure import skips_closed_projects
from reports import delivery, dispatch


@shared_task(acks_late=True)
@skips_closed_projects
def reports_dispatch_task() -> int:
    """Every minute (beat): the reports of the schedules that are due."""
    return dispatch.reports_dispatch().created


@shared_task(bind=True, base=SendingTask, max_retries=None)
@skips_closed_projects
def report_deliver_task(self: SendingTask, report_id: int) -> int:
    """Render the report once per language and send its queued deliveries; a refused one is
    retried by its own task at the time recorded on the row, and one the server accepted but
    the database did not record is recorded by its own task (never sent again)."""
    outcomes = delivery.report_deliver(report_id=report_id)
    for delivery_id, outcome in outcomes.items():
        if outcome is SendOutcome.RETRY:
            report_delivery_send_task.apply_async(
                (delivery_id,),
                countdown=delivery.delivery_retry_countdown(delivery_id=delivery_id),
            )
        elif isinstance(outcome, AcceptedNotRecorded):
            report_delivery_send_task.apply_async(
                (delivery_id,),
                {"accepted_at": outcome.accepted_at.isoformat()},
                countdown=settings.SEND_RECORD_RETRY_SECONDS,
            )
    return sum(1 for outcome in outcomes.values() if outcome is SendOutcome.SENT)


@shared_task(bind=True, base=SendingTask, max_retries=None)
def report_delivery_send_task(
    self: SendingTask, delivery_id: int, accepted_at: str | None = None
) -> str:
    """One delivery; with `accepted_at` (the server accepted it, the record failed) it only
    records the send."""
    try:
        outcome = delivery.delivery_send(
            delivery_id=delivery_id,
            accepted_at=datetime.fromisoformat(accepted_at) if accepted_at else None,
        )
    except AcceptedNotRecorded as accepted:
        raise self.retry(
            args=(delivery_id,),
            kwargs={"accepted_at": accepted.accepted_at.isoformat()},
            countdown=settings.SEND_RECORD_RETRY_SECONDS,
        ) from accepted
    if outcome is SendOutcome.RETRY:
        raise self.retry(countdown=delivery.delivery_retry_countdown(delivery_id=delivery_id))
    return outcome.value


@shared_task(acks_late=True)
def report_deliveries_sweep_task() -> int:
    """Every two minutes (beat): deliveries whose worker died or whose task was lost."""
    return requeue_swept()


def requeue_swept() -> int:
    """Sweep (reports.dispatch.deliveries_sweep) and queue the delivery of each report that has
    swept deliveries: one task per report, which claims them together (after a lost broker,
    thousands of deliveries come back at once). Returns how many deliveries were swept."""
    ids = dispatch.deliveries_sweep(backlog=broker_backlog() > 0)
    for report_id in dispatch.reports_of(ids):
        report_deliver_task.delay(report_id)
    return len(ids)
