"""Reads for tasks: the WBS, the schedule (critical path), the timeline and the resource load;
always scoped to what the user may see (projects.permissions)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import Q, QuerySet

from common.errors import NotFound
from projects.models import Membership, Milestone, Project, Role, Task, TaskDependency, Visibility
from projects.permissions import can_view_internal_items, can_view_project
from projects.scheduling import PlannedTask, Schedule, ScheduledTask, critical_path

if TYPE_CHECKING:
    from accounts.models import User


class TaskFilters(TypedDict, total=False):
    status: str
    assignee: int
    milestone: int


def task_visible_to_client() -> Q:
    """A client sees a task only if it, and its milestone if it has one, are client-visible."""
    return Q(visibility=Visibility.CLIENT) & (
        Q(milestone__isnull=True) | Q(milestone__visibility=Visibility.CLIENT)
    )


def task_list_for(
    *, user: User, project: Project, filters: TaskFilters | None = None
) -> QuerySet[Task]:
    if not can_view_project(user, project):
        return Task.objects.none()
    tasks = Task.objects.filter(project=project).select_related("project", "assignee", "milestone")
    if not can_view_internal_items(user, project):
        tasks = tasks.filter(task_visible_to_client())
    filters = filters or {}
    if filters.get("status"):
        tasks = tasks.filter(status=filters["status"])
    if filters.get("assignee"):
        tasks = tasks.filter(assignee_id=filters["assignee"])
    if filters.get("milestone"):
        tasks = tasks.filter(milestone_id=filters["milestone"])
    return tasks.order_by("position", "id")


def task_get_for(*, user: User, project: Project, task_id: int) -> Task:
    """The task, or NotFound alike for a missing one and one the user may not see."""
    task = task_list_for(user=user, project=project).filter(pk=task_id).first()
    if task is None:
        raise NotFound()
    return task


def task_dependencies_for(*, user: User, project: Project) -> QuerySet[TaskDependency]:
    """Dependencies between tasks the user may see (both ends visible)."""
    visible = task_list_for(user=user, project=project).values("pk")
    return (
        TaskDependency.objects.filter(
            successor__project=project, predecessor_id__in=visible, successor_id__in=visible
        )
        .select_related("predecessor", "successor")
        .order_by("id")
    )


def task_wbs_numbers(*, project: Project) -> dict[int, str]:
    """WBS numbers of every task of the project ("1", "1.1", "1.2", "2" ...): siblings by
    position, then id. One query over (id, parent, position)."""
    rows = (
        Task.objects.filter(project=project)
        .order_by("position", "id")
        .values_list("pk", "parent_id")
    )
    children: dict[int | None, list[int]] = defaultdict(list)
    known = {pk for pk, _parent in rows}
    for pk, parent_id in rows:
        children[parent_id if parent_id in known else None].append(pk)
    numbers: dict[int, str] = {}
    stack: list[tuple[int, str]] = [
        (pk, str(index)) for index, pk in reversed(list(enumerate(children[None], start=1)))
    ]
    while stack:
        pk, number = stack.pop()
        numbers[pk] = number
        stack.extend(
            (child, f"{number}.{index}")
            for index, child in reversed(list(enumerate(children[pk], start=1)))
        )
    return numbers


def _wbs_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split(".")) if number else (10**9,)


def task_rows_for(
    *, user: User, project: Project, filters: TaskFilters | None = None
) -> list[Task]:
    """The tasks in WBS order, each with `wbs` (its number) and `depth` (0 for a top task)."""
    numbers = task_wbs_numbers(project=project)
    tasks = list(task_list_for(user=user, project=project, filters=filters))
    for task in tasks:
        task.wbs = numbers.get(task.pk, "")  # type: ignore[attr-defined]
        task.depth = task.wbs.count(".")  # type: ignore[attr-defined]
    return sorted(tasks, key=lambda task: _wbs_key(task.wbs))  # type: ignore[attr-defined]


def task_team_for(*, project: Project) -> QuerySet[Membership]:
    """Who may be assigned a task: the project's PMs and team members."""
    return (
        Membership.objects.filter(project=project, role__in=[Role.PM, Role.TEAM_MEMBER])
        .select_related("user")
        .order_by("user__display_name")
    )


# --- Schedule and timeline --------------------------------------------------------------------


def project_schedule(*, project: Project) -> Schedule:
    """The critical path over all the project's dated tasks (internal ones too: they hold the
    plan up just the same). Callers show only the figures of tasks their user may see."""
    tasks = [
        PlannedTask(id=pk, name=name, start_date=start, due_date=due)
        for pk, name, start, due in Task.objects.filter(project=project).values_list(
            "pk", "name", "start_date", "due_date"
        )
    ]
    edges = list(
        TaskDependency.objects.filter(successor__project=project).values_list(
            "predecessor_id", "successor_id"
        )
    )
    return critical_path(tasks, edges)


@dataclass
class TimelineRow:
    kind: str  # "task" or "milestone"
    id: int
    name: str
    start: date
    end: date
    progress: int = 0
    status_label: str = ""
    assignee: str = ""
    baseline: date | None = None
    schedule: ScheduledTask | None = None
    predecessors: list[int] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind[0]}{self.id}"

    @property
    def is_critical(self) -> bool:
        return self.schedule is not None and self.schedule.is_critical


@dataclass
class Timeline:
    rows: list[TimelineRow]
    finish: date | None
    undated_count: int


def timeline_for(*, user: User, project: Project) -> Timeline:
    """Milestones and dated tasks the user may see, with their critical-path figures and the
    dependencies between visible tasks. A constant number of queries."""
    schedule = project_schedule(project=project)
    tasks = list(task_list_for(user=user, project=project))
    visible_ids = {task.pk for task in tasks}
    predecessors: dict[int, list[int]] = defaultdict(list)
    for before, after in (
        TaskDependency.objects.filter(
            successor__project=project,
            predecessor_id__in=visible_ids,
            successor_id__in=visible_ids,
        )
        .order_by("predecessor_id")
        .values_list("predecessor_id", "successor_id")
    ):
        if before in schedule.tasks and after in schedule.tasks:
            predecessors[after].append(before)
    rows: list[TimelineRow] = []
    milestones = Milestone.objects.filter(project=project)
    if not can_view_internal_items(user, project):
        milestones = milestones.filter(visibility=Visibility.CLIENT)
    for milestone in milestones.order_by("due_date", "position", "id"):
        rows.append(
            TimelineRow(
                kind="milestone",
                id=milestone.pk,
                name=milestone.name,
                start=milestone.due_date,
                end=milestone.due_date,
                progress=100 if milestone.status == Milestone.Status.COMPLETED else 0,
                status_label=str(milestone.get_status_display()),
                baseline=milestone.baseline_due_date,
            )
        )
    undated = 0
    for task in tasks:
        scheduled = schedule.tasks.get(task.pk)
        if scheduled is None:
            undated += 1
            continue
        rows.append(
            TimelineRow(
                kind="task",
                id=task.pk,
                name=task.name,
                start=task.start_date,  # type: ignore[arg-type]
                end=task.due_date,  # type: ignore[arg-type]
                progress=task.percent_complete,
                status_label=str(task.get_status_display()),
                assignee=task.assignee.display_name if task.assignee else "",
                schedule=scheduled,
                predecessors=predecessors.get(task.pk, []),
            )
        )
    rows.sort(key=lambda row: (row.start, row.kind != "milestone", row.id))
    visible_finish = max(
        (row.schedule.early_finish for row in rows if row.schedule is not None), default=None
    )
    return Timeline(rows=rows, finish=visible_finish, undated_count=undated)


# --- Resources ----------------------------------------------------------------------------------


@dataclass
class PersonLoad:
    user_id: int
    name: str
    hours: list[Decimal]  # one per week
    over: list[bool]

    @property
    def cells(self) -> list[tuple[Decimal, bool]]:
        return list(zip(self.hours, self.over, strict=True))


@dataclass
class ResourceLoad:
    weeks: list[date]  # the Monday of each ISO week
    people: list[PersonLoad]
    capacity: Decimal

    @property
    def week_labels(self) -> list[str]:
        return [
            f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}" for monday in self.weeks
        ]


def _business_days(start: date, end: date) -> list[date]:
    days = []
    current = start
    while current <= end:
        if current.weekday() < 5:
            days.append(current)
        current += timedelta(days=1)
    return days


def resource_load_for(*, user: User, today: date, weeks: int = 8) -> ResourceLoad:
    """Planned hours per person and ISO week, for the `weeks` weeks from the current one.

    People: the PMs and team members of the projects `user` may see. Their hours count across
    all their projects (over-allocation is about the person, whichever project plans them). A
    task's estimate is spread evenly over the business days (Monday to Friday) from its start to
    its due date; tasks without an estimate or without both dates, and tasks already done, plan
    nothing. A week above RAPPORT_WEEKLY_CAPACITY_HOURS is over-allocated. Two queries, whatever
    the number of people and tasks.
    """
    monday = today - timedelta(days=today.weekday())
    mondays = [monday + timedelta(weeks=index) for index in range(weeks)]
    window_end = monday + timedelta(weeks=weeks) - timedelta(days=1)
    capacity = Decimal(settings.RAPPORT_WEEKLY_CAPACITY_HOURS)
    people = dict(
        Membership.objects.filter(
            project__in=Project.objects.visible_to(user).filter(is_archived=False),
            role__in=[Role.PM, Role.TEAM_MEMBER],
            user__is_active=True,
        )
        .order_by("user__display_name", "user_id")
        .values_list("user_id", "user__display_name")
        .distinct()
    )
    hours: dict[int, list[Decimal]] = {pk: [Decimal(0)] * weeks for pk in people}
    tasks = (
        Task.objects.filter(
            assignee_id__in=list(people),
            estimate_hours__gt=0,
            start_date__lte=window_end,
            due_date__gte=monday,
            project__is_archived=False,
        )
        .exclude(status=Task.Status.DONE)
        .values_list("assignee_id", "estimate_hours", "start_date", "due_date")
    )
    for assignee_id, estimate, start, due in tasks:
        if estimate is None or start is None or due is None:  # excluded by the filter above
            continue
        days = _business_days(start, due)
        if not days:
            continue
        per_day = Decimal(estimate) / len(days)
        for day in days:
            if monday <= day <= window_end:
                hours[assignee_id][(day - monday).days // 7] += per_day
    return ResourceLoad(
        weeks=mondays,
        people=[
            PersonLoad(
                user_id=pk,
                name=name,
                hours=[value.quantize(Decimal("0.1")) for value in hours[pk]],
                over=[value > capacity for value in hours[pk]],
            )
            for pk, name in people.items()
        ],
        capacity=capacity,
    )
