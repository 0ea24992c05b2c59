"""Survey automations as a part of a project's plan (projects.copying).

Each active automation is copied with its survey template, window and reminders; a periodic
one's next survey moves with the project's start (to today at the earliest: a copy never plans
a survey in the past). An automation whose survey template has since been archived or emptied
is left out rather than refusing the whole project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from feedback.models import CampaignTrigger, SurveyAutomation, SurveyTemplate
from projects.copying import InvalidPlan, ShiftContext, day_offset, items, text

if TYPE_CHECKING:
    from projects.models import Project


def export_automations(project: Project) -> list[dict[str, Any]]:
    return [
        {
            "survey_template": automation.template_id,
            "trigger": automation.trigger,
            "open_days": automation.open_days,
            "reminder_after_days": automation.reminder_after_days,
            "reminder_max": automation.reminder_max,
            "interval_months": automation.interval_months,
            "next_run": day_offset(project, automation.next_run_on),
        }
        for automation in SurveyAutomation.objects.filter(project=project, is_active=True).order_by(
            "trigger", "pk"
        )
    ]


def _number(data: dict[str, Any], key: str) -> int:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidPlan()
    return value


def import_automations(project: Project, data: object, context: ShiftContext) -> None:
    from feedback.services.automations import automation_create

    rows = items(data)
    usable = {
        template.pk: template
        for template in SurveyTemplate.objects.filter(
            pk__in=[
                row.get("survey_template")
                for row in rows
                if isinstance(row.get("survey_template"), int)
            ],
            is_archived=False,
            questions__isnull=False,
        ).distinct()
    }
    for row in rows:
        template = usable.get(row.get("survey_template"))  # type: ignore[arg-type]
        if template is None:
            continue
        trigger = text(row, "trigger")
        first_run_on = None
        if trigger == CampaignTrigger.PERIODIC:
            first_run_on = context.date_at(row.get("next_run"))
            if first_run_on is not None:
                first_run_on = max(first_run_on, context.today)
        interval = row.get("interval_months")
        if interval is not None and (isinstance(interval, bool) or not isinstance(interval, int)):
            raise InvalidPlan()
        automation_create(
            actor=context.actor,
            project=project,
            template=template,
            trigger=trigger,
            open_days=_number(row, "open_days"),
            reminder_after_days=_number(row, "reminder_after_days"),
            reminder_max=_number(row, "reminder_max"),
            interval_months=interval,
            first_run_on=first_run_on,
        )


def register() -> None:
    from projects.copying import register_plan_part

    register_plan_part("survey_automations", export_automations, import_automations)
