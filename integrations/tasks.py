"""Thin Celery tasks around the webhook deliveries (integrations.webhooks)."""

from __future__ import annotations

from celery import shared_task

from integrations import webhooks


# One POST of at most WEBHOOK_TIMEOUT_SECONDS to connect and as long to read: a sender still
# at it after 60 s is stopped, before its claim (90 s) may be taken by another.
@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def webhook_deliver_task(delivery_id: int) -> str:
    """One attempt; the retries are the delivery's own (next_attempt_at), sent by the sweep."""
    return webhooks.delivery_send(delivery_id=delivery_id)


@shared_task(acks_late=True)
def webhooks_sweep_task() -> int:
    """Every 30 s: queue the deliveries whose retry is due or whose task was lost."""
    ids = webhooks.deliveries_due_ids()
    for delivery_id in ids:
        webhook_deliver_task.delay(delivery_id)
    return len(ids)
