"""Receivers: the worker records each periodic task's success; staff admins are told when an
outbox message fails."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.database import retry_when_locked
from notifications.models import OutboxMessage
from notifications.services.notifications import notification_create
from operations.models import PeriodicTaskRun
from operations.schedule import periodic_task_names
from operations.selectors import staff_admins

logger = logging.getLogger(__name__)


def record_periodic_success(sender: Any = None, **kwargs: Any) -> None:
    """celery's task_success (in the worker): a task of the beat schedule upserts its row in one
    statement. A database that cannot be written loses only this record, never the task."""
    name = getattr(sender, "name", None)
    if name not in periodic_task_names():
        return
    try:
        _upsert_success(name)
    except DatabaseError as error:
        logger.warning("Could not record the success of %s: %s", name, error)


@retry_when_locked
def _upsert_success(task: str) -> None:
    PeriodicTaskRun.objects.bulk_create(
        [PeriodicTaskRun(task=task, last_success_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["task"],
        update_fields=["last_success_at"],
    )


def tell_staff_admins_of_failure(sender: Any, *, message: OutboxMessage, **kwargs: Any) -> None:
    """notifications.signals.outbox_message_failed: each staff admin, in the app only and in
    their language, with a link to the operations page (never the e-mail's text)."""
    url = reverse("operations:overview")
    for admin in staff_admins():
        with translation.override(admin.language):
            title = _("An e-mail to %(email)s could not be delivered: %(subject)s") % {
                "email": message.to_email,
                "subject": message.subject,
            }
        notification_create(user=admin, title=title, body=message.last_error, url=url)
