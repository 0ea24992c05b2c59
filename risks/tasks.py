"""Thin Celery tasks around risks.alerts (scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from projects.closure import skips_closed_projects
from risks import alerts


@shared_task
@skips_closed_projects
def risk_escalations_task() -> int:
    """Hourly: tell the PM and the AM of escalating assessments nobody was told of yet."""
    return alerts.escalations_sweep()


@shared_task
@skips_closed_projects
def risk_reminders_task() -> int:
    """Hourly: each owner's daily reminder of reviews and actions due, from 08:00 local time."""
    return alerts.reminders_send_due()
