"""Thin Celery tasks around feedback.surveys.services. Each is safe to run twice: the services
lock the rows they change and every e-mail has a dedupe key."""

from __future__ import annotations

from celery import shared_task

from common.tasks import SendingTask
from feedback.surveys.services import (
    campaign_send,
    campaigns_on_deliverable_accepted,
    campaigns_on_project_closed,
    survey_campaigns_tick,
)


@shared_task(base=SendingTask)
def campaign_send_task(campaign_id: int) -> int:
    """Send a campaign whose window opened (invitations through the outbox)."""
    return campaign_send(campaign_id=campaign_id)


@shared_task(base=SendingTask)
def survey_campaigns_tick_task() -> dict[str, int]:
    """Beat, every 15 minutes: periodic campaigns, due sendings, reminders, closings."""
    return survey_campaigns_tick()


@shared_task(base=SendingTask)
def campaigns_on_deliverable_accepted_task(deliverable_id: int) -> int:
    return len(campaigns_on_deliverable_accepted(deliverable_id=deliverable_id))


@shared_task(base=SendingTask)
def campaigns_on_project_closed_task(project_id: int) -> int:
    return len(campaigns_on_project_closed(project_id=project_id))
