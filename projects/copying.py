"""Copying a project's plan: into a template, and from a template (or another project) into a new
project, every date moved to the new start.

A plan is a JSON object, `{"version": 1, "parts": {name: data}}`. Each part is registered by the
app that owns its rows, so that this module never imports the apps above projects:

    from projects.copying import register_plan_part

    register_plan_part("report_schedule", export_schedule, import_schedule)

`export(project)` returns JSON-ready data (lists, dicts, strings, numbers) in which every date is
a whole number of days from the project's start (`day_offset`), never a date, and no person or
address of the source's client. `import_(project, data, context)` recreates the part in the new
project through its app's services, acting as `context.actor` (the new project's PM), each date
given by `context.date_at(offset)`. Parts are imported in the order they were registered (the
apps' order in INSTALLED_APPS), so a later part finds the rows of an earlier one in
`context.created` (e.g. the RACI finds the new deliverables under "deliverables").

Dates move by calendar days: new date = new start + offset. Weekends are not avoided (a date that
was a Friday may become a Sunday when the new start is a different weekday); the PM sees the
plan at once and the lags of task dependencies stay in working days as they were.

Only the plan is copied. Status, progress, actual hours, time and cost entries, baselines,
acceptance rounds, documents, comments and people of the source (assignees, owners, stakeholders,
extra report recipients) are not: a new project starts fresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy

from common.errors import InvalidInput

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project

PLAN_VERSION = 1
# A template's dates stay within this many days of its start (about 30 years).
MAX_OFFSET_DAYS = 11_000


@dataclass
class ShiftContext:
    """What an importer needs besides its data: who acts, the new start, and the rows the parts
    imported before it created, by part ("deliverables", "milestones", "tasks") and plan key."""

    actor: User
    start: date
    today: date
    created: dict[str, dict[str, Any]] = field(default_factory=dict)

    def date_at(self, offset: object) -> date | None:
        """The new date `offset` days after the new start; None for None. InvalidPlan for
        anything but a whole number of days in range."""
        if offset is None:
            return None
        if isinstance(offset, bool) or not isinstance(offset, int):
            raise InvalidPlan()
        if abs(offset) > MAX_OFFSET_DAYS:
            raise InvalidPlan()
        return self.start + timedelta(days=offset)


class InvalidPlan(InvalidInput):
    """A value of a template's plan that cannot be imported (a plan edited by hand, or saved by
    another version); plan_import shows it on the "template" field."""

    default_message = gettext_lazy("The template's plan is not valid.")


def _plan_error(detail: str | None = None) -> InvalidInput:
    message = str(InvalidPlan.default_message)
    if detail:
        message = f"{message} {detail}"
    return InvalidInput(message, field="template")


Exporter = Callable[["Project"], Any]
Importer = Callable[["Project", Any, ShiftContext], None]


@dataclass(frozen=True)
class PlanPart:
    name: str
    export: Exporter
    import_: Importer


_PARTS: dict[str, PlanPart] = {}


def register_plan_part(name: str, export: Exporter, import_: Importer) -> None:
    """Add a part to every plan (see the module's docstring). Registering a name again replaces
    its functions and keeps its place."""
    _PARTS[name] = PlanPart(name, export, import_)


def plan_parts() -> list[PlanPart]:
    return list(_PARTS.values())


def day_offset(project: Project, day: date | None) -> int | None:
    """`day` as days from the project's start (the caller made sure it has one)."""
    if day is None:
        return None
    if project.start_date is None:
        raise InvalidInput(field="start_date")  # the services check it first
    return (day - project.start_date).days


def plan_export(project: Project) -> dict[str, Any]:
    """The project's plan, every registered part of it. The project has a start date."""
    return {
        "version": PLAN_VERSION,
        "parts": {part.name: part.export(project) for part in _PARTS.values()},
    }


def plan_import(project: Project, plan: object, context: ShiftContext) -> None:
    """Recreate every part of `plan` in `project` (new and empty but for its PM). A part the plan
    lacks is skipped; a part no app registers any more is ignored. Raises InvalidInput on the
    "template" field for a plan that cannot be read; the caller's transaction undoes the rest."""
    parts = plan_parts_of(plan)
    for part in _PARTS.values():
        if part.name not in parts:
            continue
        try:
            part.import_(project, parts[part.name], context)
        except InvalidPlan as error:
            raise _plan_error() from error
        except InvalidInput as error:
            # A service refused a value of the plan: say so on the template, with its reason.
            raise _plan_error(str(error.message)) from error
        except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation) as error:
            # The data is not shaped as the part exports it (a plan edited by hand).
            raise _plan_error() from error


def plan_parts_of(plan: object) -> dict[str, Any]:
    if (
        not isinstance(plan, dict)
        or plan.get("version") != PLAN_VERSION
        or not isinstance(plan.get("parts"), dict)
    ):
        raise _plan_error()
    return plan["parts"]


# --- Readers for importers: each raises InvalidPlan on a value of the wrong kind. --------------


def text(data: dict[str, Any], key: str, *, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise InvalidPlan()
    return value


def items(data: object) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InvalidPlan()
    return data


# --- The projects app's own parts ----------------------------------------------------------------

PROJECT_SETTINGS = (
    "summary",
    "scope_statement",
    "out_of_scope",
    "currency",
    "budget_visibility",
    "tags",
    "deemed_acceptance_days",
    "gates_need_client_approval",
)


def export_project(project: Project) -> dict[str, Any]:
    """The project's settings, its planned length and its objectives (not their status). The
    phase is kept for reference; a new project starts in initiation."""
    return {
        **{name: getattr(project, name) for name in PROJECT_SETTINGS},
        "phase": project.phase,
        "end": day_offset(project, project.end_date),
        "objectives": [
            {"title": objective.title, "target": objective.target}
            for objective in project.objectives.order_by("position", "id")
        ],
    }


def project_settings(plan: object, context: ShiftContext) -> dict[str, Any]:
    """What projects.services.projects.ProjectData takes from a plan: its settings and the end
    date moved to the new start. Values are checked by project_create."""
    data = plan_parts_of(plan).get("project") or {}
    if not isinstance(data, dict):
        raise _plan_error()
    try:
        settings = {name: data[name] for name in PROJECT_SETTINGS if name in data}
        settings["end_date"] = context.date_at(data.get("end"))
    except InvalidPlan as error:
        raise _plan_error() from error
    tags = settings.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise _plan_error()
    for name in ("summary", "scope_statement", "out_of_scope", "currency", "budget_visibility"):
        if name in settings and not isinstance(settings[name], str):
            raise _plan_error()
    days = settings.get("deemed_acceptance_days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 1):
        raise _plan_error()
    if not isinstance(settings.get("gates_need_client_approval", False), bool):
        raise _plan_error()
    return settings


def import_project(project: Project, data: dict[str, Any], context: ShiftContext) -> None:
    from projects.services.objectives import objective_create

    for objective in items(data.get("objectives", [])):
        objective_create(
            actor=context.actor,
            project=project,
            title=text(objective, "title"),
            target=text(objective, "target"),
        )


def export_milestones(project: Project) -> list[dict[str, Any]]:
    """Milestones with their deliverables and acceptance criteria (not owners, not status)."""
    milestones = project.milestones.order_by("position", "due_date", "id").prefetch_related(
        "deliverables__criteria"
    )
    return [
        {
            "key": f"m{milestone.pk}",
            "name": milestone.name,
            "description": milestone.description,
            "due": day_offset(project, milestone.due_date),
            "visibility": milestone.visibility,
            "deliverables": [
                {
                    "key": f"d{deliverable.pk}",
                    "name": deliverable.name,
                    "description": deliverable.description,
                    "due": day_offset(project, deliverable.due_date),
                    "visibility": deliverable.visibility,
                    "criteria": [
                        criterion.text
                        for criterion in sorted(
                            deliverable.criteria.all(), key=lambda c: (c.position, c.pk)
                        )
                    ],
                }
                for deliverable in sorted(milestone.deliverables.all(), key=lambda d: d.pk)
            ],
        }
        for milestone in milestones
    ]


def import_milestones(project: Project, data: object, context: ShiftContext) -> None:
    from projects.services.deliverables import deliverable_create
    from projects.services.milestones import milestone_create

    milestones = context.created.setdefault("milestones", {})
    deliverables = context.created.setdefault("deliverables", {})
    for row in items(data):
        due = context.date_at(row["due"])
        if due is None:
            raise InvalidPlan()
        milestone = milestone_create(
            actor=context.actor,
            project=project,
            name=text(row, "name"),
            description=text(row, "description"),
            due_date=due,
            visibility=text(row, "visibility"),
        )
        milestones[text(row, "key")] = milestone
        for item in items(row.get("deliverables", [])):
            criteria = item.get("criteria", [])
            if not isinstance(criteria, list) or not all(isinstance(c, str) for c in criteria):
                raise InvalidPlan()
            deliverables[text(item, "key")] = deliverable_create(
                actor=context.actor,
                milestone=milestone,
                name=text(item, "name"),
                description=text(item, "description"),
                criteria=criteria,
                due_date=context.date_at(item.get("due")),
                visibility=text(item, "visibility"),
            )


def export_tasks(project: Project) -> dict[str, Any]:
    """The WBS, each parent before its subtasks, with estimates, dates, constraints, who does
    each (the team or the client), repetitions and the dependencies (kind and lag). Not the
    assignee, status, progress or actual hours. A repeating task goes once, as its series'
    first occurrence (the copy's series starts again from there)."""
    from projects.models import Task, TaskDependency

    tasks = list(Task.objects.filter(project=project).order_by("position", "id"))
    parents = {task.parent_id for task in tasks}
    tasks = [task for task in tasks if task.repeat_series_id is None or task.pk in parents]
    children: dict[int | None, list[Task]] = {}
    known = {task.pk for task in tasks}
    for task in tasks:
        parent = task.parent_id if task.parent_id in known else None
        children.setdefault(parent, []).append(task)
    ordered: list[Task] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        task = stack.pop()
        ordered.append(task)
        stack.extend(reversed(children.get(task.pk, [])))
    links = TaskDependency.objects.filter(successor__project=project).order_by("id")
    kept = {task.pk for task in ordered}
    return {
        "tasks": [
            {
                "key": f"t{task.pk}",
                "name": task.name,
                "description": task.description,
                "milestone": f"m{task.milestone_id}" if task.milestone_id else None,
                "parent": f"t{task.parent_id}" if task.parent_id else None,
                "estimate_hours": (
                    str(task.estimate_hours) if task.estimate_hours is not None else None
                ),
                "start": day_offset(project, task.start_date),
                "due": day_offset(project, task.due_date),
                "visibility": task.visibility,
                "constraint": task.constraint,
                "constraint_date": day_offset(project, task.constraint_date),
                "owner_side": task.owner_side,
                "repeat": task.repeat,
                "repeat_until": day_offset(project, task.repeat_until),
            }
            for task in ordered
        ],
        "dependencies": [
            {
                "predecessor": f"t{link.predecessor_id}",
                "successor": f"t{link.successor_id}",
                "kind": link.kind,
                "lag_days": link.lag_days,
            }
            for link in links
            if link.predecessor_id in kept and link.successor_id in kept
        ],
    }


def import_tasks(project: Project, data: dict[str, Any], context: ShiftContext) -> None:
    from projects.models import Task
    from projects.services.tasks import dependency_add, task_create

    milestones = context.created.get("milestones", {})
    tasks = context.created.setdefault("tasks", {})
    for row in items(data.get("tasks", [])):
        milestone_key, parent_key = row.get("milestone"), row.get("parent")
        if (milestone_key is not None and milestone_key not in milestones) or (
            parent_key is not None and parent_key not in tasks
        ):
            raise InvalidPlan()
        estimate = row.get("estimate_hours")
        tasks[text(row, "key")] = task_create(
            actor=context.actor,
            project=project,
            name=text(row, "name"),
            description=text(row, "description"),
            milestone=milestones.get(milestone_key) if milestone_key else None,
            parent=tasks.get(parent_key) if parent_key else None,
            estimate_hours=Decimal(estimate) if estimate is not None else None,
            start_date=context.date_at(row.get("start")),
            due_date=context.date_at(row.get("due")),
            visibility=text(row, "visibility"),
            constraint=text(row, "constraint"),
            constraint_date=context.date_at(row.get("constraint_date")),
            owner_side=str(row.get("owner_side") or Task.OwnerSide.TEAM),
            repeat=str(row.get("repeat") or ""),
            repeat_until=context.date_at(row.get("repeat_until")),
        )
    for link in items(data.get("dependencies", [])):
        lag = link.get("lag_days", 0)
        if isinstance(lag, bool) or not isinstance(lag, int):
            raise InvalidPlan()
        dependency_add(
            actor=context.actor,
            predecessor=tasks[link["predecessor"]],
            successor=tasks[link["successor"]],
            kind=text(link, "kind"),
            lag_days=lag,
        )


def register() -> None:
    """The projects app's parts, first of all (the others refer to their rows)."""
    register_plan_part("project", export_project, import_project)
    register_plan_part("milestones", export_milestones, import_milestones)
    register_plan_part("tasks", export_tasks, import_tasks)
