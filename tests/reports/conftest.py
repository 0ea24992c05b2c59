"""Helpers of the status-report tests. The real SMTP server and the per-test Celery queue come
from tests/notifications/conftest.py (imported, not copied)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from projects.models import Role
from reports.models import ReportSchedule
from reports.services.schedules import ExtraAddress, schedule_save
from tests.notifications.conftest import smtp_server, task_queue  # noqa: F401  (fixtures)


def make_schedule(
    pm,
    project,
    *,
    roles=(Role.CLIENT_ADMIN, Role.CUSTOMER_REP, Role.CLIENT_VIEWER),
    extras=(),
    hour=9,
    weekday=0,
    cadence="weekly",
    is_active=True,
) -> ReportSchedule:
    return schedule_save(
        actor=pm,
        project=project,
        cadence=cadence,
        weekday=weekday,
        day_of_month=1,
        hour=hour,
        recipient_roles=list(roles),
        is_active=is_active,
        extra_recipients=[ExtraAddress(*extra) for extra in extras],
    )


def make_due(schedule: ReportSchedule, when: datetime) -> None:
    """Pretend the schedule's run is at `when` (already past)."""
    ReportSchedule.objects.filter(pk=schedule.pk).update(
        next_run_at=when, anchor_date=date(2026, 1, 5)
    )


@pytest.fixture
def schedule(pm, project, client_admin, rep, viewer):
    return make_schedule(pm, project)


PAST = datetime(2026, 3, 30, 7, tzinfo=UTC)
