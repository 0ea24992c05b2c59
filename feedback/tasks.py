"""Thin Celery tasks around the feedback services (found by Celery's autodiscovery).

Each is safe to run twice: the survey services lock the rows they change and every e-mail has a
dedupe key; each SLA breach and each interaction reminder is claimed by a conditional UPDATE
before anyone is told.

The tasks keep the names they were registered under when they lived in feedback/surveys and
feedback/tickets, so that messages already queued and the beat schedule still find them."""

from __future__ import annotations

from celery import shared_task

from common.tasks import SendingTask
from feedback.services.account import interaction_reminders_send
from feedback.services.automations import (
    campaigns_on_deliverable_accepted,
    campaigns_on_project_closed,
)
from feedback.services.sending import campaign_send, survey_campaigns_tick
from feedback.services.sla import tickets_escalate_breaches
from projects.closure import skips_closed_projects

BATCH = 500


@shared_task(base=SendingTask, name="feedback.surveys.tasks.campaign_send_task")
def campaign_send_task(campaign_id: int) -> int:
    """Send a campaign whose window opened (invitations through the outbox)."""
    return campaign_send(campaign_id=campaign_id)


@shared_task(base=SendingTask, name="feedback.surveys.tasks.survey_campaigns_tick_task")
@skips_closed_projects
def survey_campaigns_tick_task() -> dict[str, int]:
    """Beat, every 15 minutes: periodic campaigns, due sendings, reminders, closings."""
    return survey_campaigns_tick()


@shared_task(base=SendingTask, name="feedback.surveys.tasks.campaigns_on_deliverable_accepted_task")
@skips_closed_projects
def campaigns_on_deliverable_accepted_task(deliverable_id: int) -> int:
    return len(campaigns_on_deliverable_accepted(deliverable_id=deliverable_id))


@shared_task(base=SendingTask, name="feedback.surveys.tasks.campaigns_on_project_closed_task")
@skips_closed_projects
def campaigns_on_project_closed_task(project_id: int) -> int:
    return len(campaigns_on_project_closed(project_id=project_id))


@shared_task(acks_late=True, name="feedback.tickets.tasks.ticket_sla_escalation_task")
@skips_closed_projects
def ticket_sla_escalation_task() -> int:
    """Flag and escalate complaints past their first-response or resolution target, once."""
    escalated = tickets_escalate_breaches(limit=BATCH)
    if escalated >= BATCH:
        ticket_sla_escalation_task.delay()  # more to do: go on in a fresh task
    return escalated


@shared_task(acks_late=True, name="feedback.tickets.tasks.interaction_reminders_task")
def interaction_reminders_task() -> int:
    """Remind account managers of the next steps due today in their time zone, once."""
    sent = interaction_reminders_send(limit=BATCH)
    if sent >= BATCH:
        interaction_reminders_task.delay()
    return sent
