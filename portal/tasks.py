from __future__ import annotations

from datetime import date

from celery import shared_task

from accounts.models import User
from portal.services import decision_reminder_candidates, decision_reminders_send_for
from projects.closure import skips_closed_projects


@shared_task(acks_late=True)
@skips_closed_projects
def decision_reminders_task(today: str | None = None) -> int:
    """Remind each client person of items waiting longer than their project's response time
    (once per item and person). `today` (ISO date) is for tests and catching up."""
    day = date.fromisoformat(today) if today else None
    sent = 0
    for person in User.objects.filter(pk__in=decision_reminder_candidates()):
        sent += decision_reminders_send_for(person=person, today=day)
    return sent
