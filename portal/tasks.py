from __future__ import annotations

from celery import shared_task

from accounts.models import User
from portal.services import decision_reminder_candidates, decision_reminders_send_for


@shared_task(acks_late=True)
def decision_reminders_task() -> int:
    """Remind each client person of items waiting longer than their project's response time
    (once per item and person)."""
    sent = 0
    for person in User.objects.filter(pk__in=decision_reminder_candidates()):
        sent += decision_reminders_send_for(person=person)
    return sent
