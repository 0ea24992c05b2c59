"""Thin Celery tasks around projects.services."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from projects.closure import skips_closed_projects
from projects.models import AcceptanceRound, Deliverable, Phase
from projects.services.acceptance import deliverable_deem_accepted
from projects.services.reminders import (
    deemed_acceptance_remind,
    deemed_acceptance_reminder_candidates,
)

BATCH = 500


@shared_task(acks_late=True)
@skips_closed_projects
def deemed_acceptance_task() -> int:
    """Accept, as the contract says, deliverables the client left unanswered past their day."""
    # Tomorrow in UTC covers every client's today; the service checks each in its own zone.
    horizon = timezone.now().date() + timedelta(days=1)
    due = (
        AcceptanceRound.objects.filter(
            decision="",
            deemed_acceptance_due__lte=horizon,
            deliverable__status=Deliverable.Status.SUBMITTED,
        )
        # A closed project is read-only: nothing of it is deemed accepted.
        .exclude(deliverable__project__phase=Phase.CLOSED)
        .values_list("deliverable_id", flat=True)
    )
    batch = list(due[:BATCH])
    accepted = sum(deliverable_deem_accepted(deliverable_id=pk) for pk in batch)
    if len(batch) == BATCH:
        deemed_acceptance_task.delay()  # more to do: go on in a fresh task
    return accepted


@shared_task(acks_late=True)
@skips_closed_projects
def deemed_acceptance_reminders_task() -> int:
    """Remind the client of deliverables that count as accepted within two business days."""
    return sum(
        deemed_acceptance_remind(round_id=pk) for pk in deemed_acceptance_reminder_candidates()
    )
