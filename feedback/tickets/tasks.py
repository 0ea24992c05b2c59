"""Thin Celery tasks around feedback.tickets.services (imported by FeedbackConfig.ready(), since
autodiscovery only looks at feedback/tasks.py). Both are safe to run twice: each breach and
each reminder is claimed by a conditional UPDATE before anyone is told."""

from __future__ import annotations

from celery import shared_task

from feedback.tickets.services import interaction_reminders_send, tickets_escalate_breaches

BATCH = 500


@shared_task(acks_late=True)
def ticket_sla_escalation_task() -> int:
    """Flag and escalate complaints past their first-response or resolution target, once."""
    escalated = tickets_escalate_breaches(limit=BATCH)
    if escalated >= BATCH:
        ticket_sla_escalation_task.delay()  # more to do: go on in a fresh task
    return escalated


@shared_task(acks_late=True)
def interaction_reminders_task() -> int:
    """Remind account managers of the next steps due today in their time zone, once."""
    sent = interaction_reminders_send(limit=BATCH)
    if sent >= BATCH:
        interaction_reminders_task.delay()
    return sent
