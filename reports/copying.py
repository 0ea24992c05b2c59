"""The status-report schedule as a part of a project's plan (projects.copying).

The cadence, day, hour, the client roles it goes to and whether it is on are copied; its first
week moves with the project's start. The extra addresses (people of the source's client), the
communication-plan line and the summary for the next report are not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from projects.copying import InvalidPlan, ShiftContext, day_offset, text
from reports.models import ReportSchedule
from reports.schedule import monday_of, next_run_after

if TYPE_CHECKING:
    from projects.models import Project


def export_schedule(project: Project) -> dict[str, Any] | None:
    schedule = ReportSchedule.objects.filter(project=project).first()
    if schedule is None:
        return None
    return {
        "cadence": schedule.cadence,
        "weekday": schedule.weekday,
        "day_of_month": schedule.day_of_month,
        "hour": schedule.hour,
        "recipient_roles": list(schedule.recipient_roles),
        "is_active": schedule.is_active,
        "first_week": day_offset(project, schedule.anchor_date),
    }


def _number(data: dict[str, Any], key: str) -> int:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidPlan()
    return value


def import_schedule(project: Project, data: object, context: ShiftContext) -> None:
    from reports.services.schedules import client_time_zone, schedule_save

    if data is None:
        return
    if not isinstance(data, dict):
        raise InvalidPlan()
    roles = data.get("recipient_roles", [])
    is_active = data.get("is_active", True)
    if not isinstance(roles, list) or not isinstance(is_active, bool):
        raise InvalidPlan()
    schedule = schedule_save(
        actor=context.actor,
        project=project,
        cadence=text(data, "cadence"),
        weekday=_number(data, "weekday"),
        day_of_month=_number(data, "day_of_month"),
        hour=_number(data, "hour"),
        recipient_roles=roles,
        is_active=is_active,
    )
    first_week = context.date_at(data.get("first_week"))
    if first_week is not None:
        # Every two weeks counts from the first week: it moves with the project.
        schedule.anchor_date = monday_of(first_week)
        if schedule.is_active:
            schedule.next_run_at = next_run_after(
                schedule, timezone.now(), client_time_zone(project)
            )
        schedule.save(update_fields=["anchor_date", "next_run_at", "updated_at"])


def register() -> None:
    from projects.copying import register_plan_part

    register_plan_part("report_schedule", export_schedule, import_schedule)
