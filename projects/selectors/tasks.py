"""Reads for tasks: the WBS, the schedule (critical path), the timeline and the resource load;
always scoped to what the user may see (projects.permissions)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, overload

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    DateTimeField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.utils.translation import gettext as _

from accounts.calendars import provider_calendar
from common.compiled import CompiledValues
from common.errors import NotFound
from common.workdays import WorkCalendar
from projects.models import (
    BudgetChange,
    Membership,
    Milestone,
    Project,
    Role,
    Task,
    TaskDependency,
    Visibility,
)
from projects.permissions import can_view_internal_items, can_view_project
from projects.scheduling import Link, PlannedTask, Schedule, ScheduledTask, critical_path
from projects.selectors.core import milestone_visible_to_client

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
    """Dependencies between tasks the user may see (both ends visible). Who sees the internal
    items sees every task of the project: the links are those between its tasks, read without
    the subqueries of the visible tasks (planning those took longer than running them)."""
    if not can_view_project(user, project):
        return TaskDependency.objects.none()
    if can_view_internal_items(user, project):
        links = TaskDependency.objects.filter(
            successor__project=project, predecessor__project=project
        )
    else:
        visible = task_list_for(user=user, project=project).values("pk")
        links = TaskDependency.objects.filter(
            successor__project=project, predecessor_id__in=visible, successor_id__in=visible
        )
    return links.select_related("predecessor", "successor").order_by("id")


def _links_of_tasks(key: Any, values: list[Any]) -> QuerySet[Any]:
    project_id, *task_ids = values
    return (
        TaskDependency.objects.filter(
            successor__project_id=project_id,
            predecessor__project_id=project_id,
            successor_id__in=task_ids,
        )
        .order_by("id")
        .values("successor_id", "predecessor_id")
    )


# The links of a page of tasks, for the team: compiled once per number of tasks.
_links_of_tasks_read = CompiledValues(_links_of_tasks)


def task_predecessors_for(
    *, user: User, project: Project, task_ids: Sequence[int] | None
) -> dict[int, list[int]]:
    """The predecessors each task depends on (any kind of link; both ends visible to the user),
    in the order the links were made: those of `task_ids`, or of every task (None). For the team
    a page of tasks is read by SQL compiled once per number of tasks (task_dependencies_for's,
    the ids given), no longer turned from the ORM at every request."""
    predecessors: dict[int, list[int]] = {}
    if (task_ids is not None and not task_ids) or not can_view_project(user, project):
        return predecessors
    if task_ids is not None and can_view_internal_items(user, project):
        rows = _links_of_tasks_read.rows([project.pk, *task_ids], key=None)
        pairs = [(row["successor_id"], row["predecessor_id"]) for row in rows]
    else:
        links = task_dependencies_for(user=user, project=project)
        if task_ids is not None:
            links = links.filter(successor_id__in=task_ids)
        pairs = list(links.values_list("successor_id", "predecessor_id"))
    for successor_id, predecessor_id in pairs:
        predecessors.setdefault(successor_id, []).append(predecessor_id)
    return predecessors


def outline_numbers(pairs: Iterable[tuple[int, int | None]]) -> dict[int, str]:
    """The outline number ("1", "1.1", "1.2", "2" ...) of each (id, parent id) pair, given in
    sibling order: a task whose parent is not among the pairs counts as a top task."""
    pairs = list(pairs)
    children: dict[int | None, list[int]] = defaultdict(list)
    known = {pk for pk, _parent in pairs}
    for pk, parent_id in pairs:
        children[parent_id if parent_id in known else None].append(pk)
    numbers: dict[int, str] = {}
    stack: list[tuple[int, str]] = [
        (pk, str(index)) for index, pk in reversed(list(enumerate(children[None], start=1)))
    ]
    pop, push, below = stack.pop, stack.append, children.get
    while stack:
        pk, number = pop()
        numbers[pk] = number
        kids = below(pk)
        if kids:
            for index in range(len(kids), 0, -1):
                push((kids[index - 1], f"{number}.{index}"))
    return numbers


def task_wbs_numbers(*, project: Project) -> dict[int, str]:
    """WBS numbers of every task of the project ("1", "1.1", "1.2", "2" ...): siblings by
    position, then id. One query over (id, parent, position)."""
    return outline_numbers(
        Task.objects.filter(project=project)
        .order_by("position", "id")
        .values_list("pk", "parent_id")
    )


T = TypeVar("T")


def _in_wbs_order(items: Iterable[T], numbers: dict[int, str]) -> list[T]:
    """`items` (each with a `pk`) in the order of their outline numbers, those without one last
    in their own order. outline_numbers gives its numbers in outline order already (depth
    first, siblings in turn): that order is read from it instead of parsing every number."""
    by_pk = {item.pk: item for item in items}  # type: ignore[attr-defined]
    ordered = [by_pk.pop(pk) for pk in numbers if pk in by_pk]
    return ordered + list(by_pk.values())


def task_rows_for(
    *, user: User, project: Project, filters: TaskFilters | None = None
) -> list[Task]:
    """The tasks in WBS order, each with `wbs` (its number) and `depth` (0 for a top task)."""
    tasks = list(task_list_for(user=user, project=project, filters=filters))
    if not any((filters or {}).values()) and can_view_internal_items(user, project):
        # Every task of the project is in the list: the numbers are read from it.
        numbers = outline_numbers((task.pk, task.parent_id) for task in tasks)
    else:
        numbers = task_wbs_numbers(project=project)
    for task in tasks:
        task.wbs = numbers.get(task.pk, "")  # type: ignore[attr-defined]
        task.depth = task.wbs.count(".")  # type: ignore[attr-defined]
    return _in_wbs_order(tasks, numbers)


class TaskOutlineRow:
    """A task as a long list needs it to be paged, counted and offered as a parent (ten
    thousand of them are made for a large project's list). Its name and status are read for
    every row of its outline at once, the first time one of them is asked for: a page of the
    list, numbered, paged and read in full by task_rows_in, never asks."""

    __slots__ = ("_details", "_name", "_status", "dated", "parent_id", "pk", "wbs")

    def __init__(
        self,
        pk: int,
        parent_id: int | None,
        name: str = "",
        status: str = "",
        dated: bool = False,  # it has a start and a due date (a parent rolls its dates up)
        wbs: str = "",
        *,
        details: Callable[[], dict[int, tuple[str, str]]] | None = None,
    ) -> None:
        self.pk = pk
        self.parent_id = parent_id
        self._name = name
        self._status = status
        self.dated = dated
        self.wbs = wbs
        self._details = details

    @classmethod
    def _make(cls, values: tuple[Any, ...]) -> TaskOutlineRow:
        """A row of (pk, parent_id, dated, wbs, details) as TaskOutline keeps them."""
        pk, parent_id, dated, wbs, details = values
        return cls(pk, parent_id, dated=dated, wbs=wbs, details=details)

    @property
    def name(self) -> str:
        return self._read()[0]

    @property
    def status(self) -> str:
        return self._read()[1]

    def _read(self) -> tuple[str, str]:
        """The name and status, given or read with every row's; a task deleted between the
        outline's query and theirs has none (its row is not a server error)."""
        if self._details is None:
            return self._name, self._status
        return self._details().get(self.pk, ("", ""))

    @property
    def depth(self) -> int:
        return self.wbs.count(".")

    def _key(self) -> tuple[Any, ...]:
        return (self.pk, self.parent_id, self.dated, self.wbs, self.name, self.status)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TaskOutlineRow):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.pk, self.wbs))

    def __repr__(self) -> str:
        return f"TaskOutlineRow(pk={self.pk}, wbs={self.wbs!r}, parent_id={self.parent_id})"


class TaskOutline(Sequence[TaskOutlineRow]):
    """task_outline_for's rows in WBS order, each made as it is read: a page of a project of ten
    thousand tasks makes fifty of them (the list's count is the number of rows). The names and
    statuses of the rows are read in one query when a row is first asked for one."""

    __slots__ = ("_details", "_numbers", "_read_details", "_rows")

    def __init__(
        self,
        rows: list[tuple[Any, ...]],
        numbers: dict[int, str],
        details: Callable[[], Iterable[tuple[int, str, str]]],
        read: dict[int, tuple[str, str]] | None = None,
    ) -> None:
        self._rows = rows  # (pk, parent_id, dated), in WBS order
        self._numbers = numbers
        self._read_details = details
        self._details = read  # the names and statuses, where they were read with the rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> TaskOutlineRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[TaskOutlineRow]: ...
    def __getitem__(self, index: int | slice) -> TaskOutlineRow | list[TaskOutlineRow]:
        if isinstance(index, slice):
            return [self._made(row) for row in self._rows[index]]
        return self._made(self._rows[index])

    def __iter__(self) -> Iterator[TaskOutlineRow]:
        return (self._made(row) for row in self._rows)

    def _made(self, row: tuple[Any, ...]) -> TaskOutlineRow:
        pk, parent_id, dated = row
        return TaskOutlineRow._make(
            (pk, parent_id, dated, self._numbers.get(pk, ""), self._names_and_statuses)
        )

    def _names_and_statuses(self) -> dict[int, tuple[str, str]]:
        if self._details is None:
            self._details = {pk: (name, status) for pk, name, status in self._read_details()}
        return self._details


def task_outline_for(
    *, user: User, project: Project, filters: TaskFilters | None = None, names: bool = False
) -> TaskOutline:
    """task_rows_for's tasks, order and numbers, as plain rows: a project of ten thousand tasks
    is read without building ten thousand model objects (each with its project, milestone and
    assignee), and each row is made only when it is read. Their ids, parents and whether they
    are dated are read from the index of the project's tasks in plan order (Task's
    task_project_outline_idx); their names and statuses only when a row is asked for one, or
    with them where the caller will ask (`names`: a form that lists the tasks). task_rows_in
    reads the full tasks of the rows a page shows."""
    tasks = task_list_for(user=user, project=project, filters=filters)
    read = list(
        tasks.annotate(
            dated=ExpressionWrapper(
                Q(start_date__isnull=False, due_date__isnull=False), output_field=BooleanField()
            )
        ).values_list("pk", "parent_id", "dated", *(("name", "status") if names else ()))
    )
    rows = [row[:3] for row in read] if names else read
    if not any((filters or {}).values()) and can_view_internal_items(user, project):
        numbers = outline_numbers((row[0], row[1]) for row in rows)
    else:
        numbers = task_wbs_numbers(project=project)
    # In the order of their numbers (outline_numbers gives them in outline order), those
    # without one last in their own order, as _in_wbs_order orders objects.
    by_pk = {row[0]: row for row in rows}
    ordered = [by_pk.pop(pk) for pk in numbers if pk in by_pk]
    return TaskOutline(
        ordered + list(by_pk.values()),
        numbers,
        lambda: tasks.order_by().values_list("pk", "name", "status"),
        {row[0]: (row[3], row[4]) for row in read} if names else None,
    )


def task_rows_in(*, user: User, project: Project, rows: Sequence[TaskOutlineRow]) -> list[Task]:
    """The tasks of `rows` (task_outline_for), in their order, each with `wbs` and `depth`;
    one query. Each task's project is `project` itself, not a copy of it read with every task
    (a hundred of them for a page of the list)."""
    tasks = (
        task_list_for(user=user, project=project)
        .select_related(None)
        .select_related("assignee", "milestone")
        .in_bulk([row.pk for row in rows])
    )
    shown = []
    for row in rows:
        task = tasks.get(row.pk)
        if task is not None:
            Task.project.field.set_cached_value(task, project)
            task.wbs = row.wbs  # type: ignore[attr-defined]
            task.depth = row.depth  # type: ignore[attr-defined]
            shown.append(task)
    return shown


TASK_TEAM_ROLES = (Role.PM, Role.TEAM_MEMBER)
TASK_CLIENT_ROLES = (Role.CLIENT_ADMIN, Role.CUSTOMER_REP)


def task_assignable_people_for(*, project: Project) -> QuerySet[Membership]:
    """task_team_for and task_client_people_for together: the memberships of the roles that may
    be assigned a task, by name (each says its role)."""
    return (
        Membership.objects.filter(project=project, role__in=[*TASK_TEAM_ROLES, *TASK_CLIENT_ROLES])
        .select_related("user")
        .order_by("user__display_name")
    )


def task_team_for(*, project: Project) -> QuerySet[Membership]:
    """Who may be assigned a task: the project's PMs and team members."""
    return (
        Membership.objects.filter(project=project, role__in=[Role.PM, Role.TEAM_MEMBER])
        .select_related("user")
        .order_by("user__display_name")
    )


def task_client_people_for(*, project: Project) -> QuerySet[Membership]:
    """Who may be assigned a task of the client's: the project's client admins and customer
    representatives."""
    return (
        Membership.objects.filter(project=project, role__in=[Role.CLIENT_ADMIN, Role.CUSTOMER_REP])
        .select_related("user")
        .order_by("user__display_name")
    )


CLIENT_TASKS_AHEAD = timedelta(days=14)


def client_tasks_start_by(today: date) -> date:
    """The last start day of the client's tasks listed as waiting on `today`."""
    return today + CLIENT_TASKS_AHEAD


def client_tasks_awaiting_for(*, user: User, starts_by: date) -> QuerySet[Task]:
    """The client's open tasks that `user` reports on, across their projects: client-visible
    tasks of the client's, assigned to them or to no one, in the projects where they are a
    client admin or customer representative, that start by `starts_by` (client_tasks_start_by:
    two weeks from today) or have no start. Oldest start first."""
    if not user.is_authenticated or not user.is_active:
        return Task.objects.none()
    project_ids = Membership.objects.filter(
        user=user, role__in=[Role.CLIENT_ADMIN, Role.CUSTOMER_REP]
    ).values("project_id")
    return (
        Task.objects.filter(
            task_visible_to_client(),
            project_id__in=project_ids,
            project__is_archived=False,
            owner_side=Task.OwnerSide.CLIENT,
        )
        .filter(Q(assignee=user) | Q(assignee__isnull=True))
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=starts_by))
        .exclude(status=Task.Status.DONE)
        .select_related("project")
        .order_by("start_date", "due_date", "id")
    )


def task_form_choices_for(
    *, user: User, project: Project
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The task form's milestones the user may see (in milestone_list_for's order) and the
    project's budget changes ("CR-3 Title", oldest first), as (id, label) choices, in one
    query (a UNION of the two)."""
    if not can_view_project(user, project):
        return [], []
    milestones = Milestone.objects.filter(project=project)
    if not can_view_internal_items(user, project):
        milestones = milestones.filter(milestone_visible_to_client())
    columns = ("choice_kind", "pk", "choice_label", "choice_day", "choice_position", "choice_at")
    rows = (
        milestones.order_by()
        .annotate(
            choice_kind=Value(0),
            choice_label=F("name"),
            choice_day=F("due_date"),
            choice_position=F("position"),
            choice_at=Value(None, DateTimeField()),
        )
        .values_list(*columns)
        .union(
            task_budget_changes_for(project=project)
            .order_by()
            .annotate(
                choice_kind=Value(1),
                choice_label=Concat(
                    F("change_reference"), Value(" "), F("title"), output_field=CharField()
                ),
                choice_day=Value(None, DateField()),
                choice_position=Value(None, IntegerField()),
                choice_at=F("created_at"),
            )
            .values_list(*columns),
            all=True,
        )
    )

    def order(row: tuple[Any, ...]) -> tuple[Any, ...]:
        kind, pk, _label, day, position, at = row
        if kind == 0:  # due date (none last), position, id
            return (kind, day is None, day or date.min, position or 0, pk)
        return (kind, at, pk)  # oldest first

    choices: tuple[list[tuple[int, str]], list[tuple[int, str]]] = ([], [])
    for kind, pk, label, *_rest in sorted(rows, key=order):
        choices[kind].append((pk, label))
    return choices


def task_budget_changes_for(*, project: Project) -> QuerySet[BudgetChange]:
    """The project's budget changes a task may be added by (for the staff's task form)."""
    return BudgetChange.objects.filter(project=project).order_by("created_at", "id")


def task_is_summary(*, task: Task) -> bool:
    """Whether the task's dates are its subtasks' (a subtask is dated)."""
    return task.children.filter(start_date__isnull=False, due_date__isnull=False).exists()


# --- Schedule and timeline --------------------------------------------------------------------


def project_planned_tasks(*, project: Project) -> list[PlannedTask]:
    """Every task of the project as the scheduling sees it (internal ones too: they hold the
    plan up just the same). One query."""
    return [
        PlannedTask(
            id=pk,
            name=name,
            start_date=start,
            due_date=due,
            parent_id=parent_id,
            constraint=constraint,
            constraint_date=constraint_date,
            milestone_id=milestone_id,
            is_done=status == Task.Status.DONE,
        )
        for pk, name, start, due, parent_id, constraint, constraint_date, milestone_id, status in (
            Task.objects.filter(project=project)
            .order_by("position", "id")
            .values_list(
                "pk",
                "name",
                "start_date",
                "due_date",
                "parent_id",
                "constraint",
                "constraint_date",
                "milestone_id",
                "status",
            )
        )
    ]


def project_links(*, project: Project) -> list[Link]:
    """Every dependency between the project's tasks, with its kind and lag. One query."""
    return [
        Link(predecessor=before, successor=after, kind=kind, lag=lag)
        for before, after, kind, lag in TaskDependency.objects.filter(successor__project=project)
        .order_by("id")
        .values_list("predecessor_id", "successor_id", "kind", "lag_days")
    ]


def project_calendar(*, tasks: list[PlannedTask]) -> WorkCalendar:
    """The working calendar the schedule counts in: the provider's (the team's), around the
    plan's first start."""
    starts = [task.start_date for task in tasks if task.start_date is not None]
    return provider_calendar(around=min(starts) if starts else None)


def project_schedule(*, project: Project) -> Schedule:
    """The critical path over all the project's dated tasks, in the provider's working days.
    Callers show only the figures of tasks their user may see."""
    tasks = project_planned_tasks(project=project)
    return critical_path(
        tasks, project_links(project=project), calendar=project_calendar(tasks=tasks)
    )


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
    baseline: date | None = None  # a milestone's baseline date; a task's baseline due date
    schedule: ScheduledTask | None = None
    predecessors: list[int] = field(default_factory=list)
    # The kind of each predecessor's link ("fs" when left out).
    link_kinds: dict[int, str] = field(default_factory=dict)
    baseline_start: date | None = None  # a task's baseline start
    is_summary: bool = False  # a task with dated subtasks: its dates span theirs
    client_owned: bool = False  # a task of the client's (its owner column says so)

    @property
    def has_baseline_bar(self) -> bool:
        return self.kind == "task" and self.baseline_start is not None and self.baseline is not None

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
    # The outline number of each task the user may see (projects.gantt.outline_numbers_for).
    codes: dict[int, str] = field(default_factory=dict)


def _planned(task: Task) -> PlannedTask:
    return PlannedTask(
        id=task.pk,
        name=task.name,
        start_date=task.start_date,
        due_date=task.due_date,
        parent_id=task.parent_id,
        constraint=task.constraint,
        constraint_date=task.constraint_date,
        milestone_id=task.milestone_id,
        is_done=task.status == Task.Status.DONE,
    )


def timeline_for(*, user: User, project: Project) -> Timeline:
    """Milestones and dated tasks the user may see, with their critical-path figures, the
    dependencies between visible tasks and the outline numbers of the visible tasks. One query
    for the tasks (every task schedules; each says whether the user may see it), one for the
    dependencies, one for the milestones and the provider's calendar."""
    # The assignee names the owner; nothing here reads a task's project or milestone.
    every_task = Task.objects.filter(project=project).select_related("assignee")
    if can_view_internal_items(user, project):
        every_task = every_task.annotate(user_sees=Value(True))
    else:
        every_task = every_task.annotate(
            user_sees=Case(
                When(task_visible_to_client(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    all_tasks: list[Task] = list(every_task.order_by("position", "id"))
    planned = [_planned(task) for task in all_tasks]
    links = project_links(project=project)
    schedule = critical_path(planned, links, calendar=project_calendar(tasks=planned))
    sees_project = can_view_project(user, project)
    tasks = [task for task in all_tasks if sees_project and task.user_sees]  # type: ignore[attr-defined]
    visible_ids = {task.pk for task in tasks}
    predecessors: dict[int, list[int]] = defaultdict(list)
    link_kinds: dict[int, dict[int, str]] = defaultdict(dict)
    for link in sorted(links, key=lambda link: link.predecessor):
        before, after = link.predecessor, link.successor
        if before not in visible_ids or after not in visible_ids:
            continue
        if before in schedule.tasks and after in schedule.tasks:
            predecessors[after].append(before)
            link_kinds[after][before] = link.kind
    spans = _summary_spans(tasks)
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
        start, end = spans.get(task.pk, (task.start_date, task.due_date))
        rows.append(
            TimelineRow(
                kind="task",
                id=task.pk,
                name=task.name,
                start=start or scheduled.early_start,
                end=end or scheduled.early_finish,
                progress=task.percent_complete,
                status_label=str(task.get_status_display()),
                assignee=_owner_label(task),
                client_owned=task.owner_side == Task.OwnerSide.CLIENT,
                schedule=scheduled,
                predecessors=predecessors.get(task.pk, []),
                link_kinds=link_kinds.get(task.pk, {}),
                baseline=task.baseline_due_date,
                baseline_start=task.baseline_start_date,
                is_summary=scheduled.is_summary,
            )
        )
    rows.sort(key=lambda row: (row.start, row.kind != "milestone", row.id))
    visible_finish = max(
        (row.schedule.early_finish for row in rows if row.schedule is not None), default=None
    )
    return Timeline(
        rows=rows,
        finish=visible_finish,
        undated_count=undated,
        codes=outline_numbers((task.pk, task.parent_id) for task in tasks),
    )


def _owner_label(task: Task) -> str:
    """Who does a task, as the timeline's owner column says it: the assignee; for a task of the
    client's, "Client" first."""
    name = task.assignee.display_name if task.assignee else ""
    if task.owner_side != Task.OwnerSide.CLIENT:
        return name
    return _("Client · %(name)s") % {"name": name} if name else _("Client")


def _summary_spans(tasks: list[Task]) -> dict[int, tuple[date, date]]:
    """(first start, last due) of the dated tasks under each task that has some, among
    `tasks` (a summary's bar spans its subtasks' bars)."""
    by_id = {task.pk: task for task in tasks}
    spans: dict[int, tuple[date, date]] = {}
    for task in tasks:
        if task.start_date is None or task.due_date is None:
            continue
        seen: set[int] = set()
        ancestor = task.parent_id
        while ancestor is not None and ancestor in by_id and ancestor not in seen:
            seen.add(ancestor)
            first, last = spans.get(ancestor, (task.start_date, task.due_date))
            spans[ancestor] = (min(first, task.start_date), max(last, task.due_date))
            ancestor = by_id[ancestor].parent_id
    return spans


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
    capacity: dict[int, list[Decimal]]  # user id: the hours their calendar offers each week
    leave: dict[int, list[LeaveSpan]]  # user id: their leave that meets the weeks

    @property
    def week_labels(self) -> list[str]:
        return [
            f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}" for monday in self.weeks
        ]

    @property
    def rows(self) -> list[ResourceRow]:
        return [
            ResourceRow(
                person=person,
                weeks=self.weeks,
                capacity=self.capacity[person.user_id],
                leave=self.leave.get(person.user_id, []),
            )
            for person in self.people
        ]


@dataclass(frozen=True)
class LeaveSpan:
    """A period of a person's leave as the resource view shows it: dates and kind, no note."""

    start: date
    end: date
    kind: str  # its label, translated

    def meets_week(self, monday: date) -> bool:
        return self.start <= monday + timedelta(days=6) and self.end >= monday


@dataclass(frozen=True)
class ResourceCell:
    hours: Decimal
    capacity: Decimal
    is_over: bool
    has_leave: bool


@dataclass
class ResourceRow:
    """A person's line of the resource view: each week's planned hours against the capacity of
    their own calendar, and their leave."""

    person: PersonLoad
    weeks: list[date]
    capacity: list[Decimal]
    leave: list[LeaveSpan]

    @property
    def cells(self) -> list[ResourceCell]:
        return [
            ResourceCell(
                hours=hours,
                capacity=capacity,
                is_over=is_over,
                has_leave=any(span.meets_week(monday) for span in self.leave),
            )
            for monday, hours, capacity, is_over in zip(
                self.weeks, self.person.hours, self.capacity, self.person.over, strict=True
            )
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
    """Planned hours per person and ISO week, for the `weeks` weeks from the current one, against
    each person's capacity.

    People: the PMs and team members of the projects `user` may see. Their hours count across
    all their projects (over-allocation is about the person, whichever project plans them). A
    task's estimate is spread evenly over the business days (Monday to Friday) from its start to
    its due date; tasks without an estimate or without both dates, and tasks already done, plan
    nothing. A person's capacity in a week is the hours their own calendar offers in it
    (accounts.calendars: their organisation's public holidays and own days, their part-time
    weekdays and hours, their leave); a week planned above it is over-allocated, so work planned
    over a holiday or leave shows. Their leave comes with its dates and kind (never its note),
    which `user`, a PM or a staff admin (projects.view_resources), may see. Three queries, and
    two more when calendars are not cached, whatever the number of people and tasks.
    """
    from accounts.calendars import calendars_for_users, leave_by_person, week_capacity
    from accounts.models import Leave

    monday = today - timedelta(days=today.weekday())
    mondays = [monday + timedelta(weeks=index) for index in range(weeks)]
    window_end = monday + timedelta(weeks=weeks) - timedelta(days=1)
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
    calendars = calendars_for_users(people, around=today)
    capacity = {pk: [week_capacity(calendars[pk], week) for week in mondays] for pk in people}
    kinds = dict(Leave.Kind.choices)
    leave = {
        pk: [
            LeaveSpan(span.start, span.end, str(kinds.get(span.kind, span.kind))) for span in spans
        ]
        for pk, spans in leave_by_person(user_ids=people, start=monday, end=window_end).items()
    }
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
                over=[value > limit for value, limit in zip(hours[pk], capacity[pk], strict=True)],
            )
            for pk, name in people.items()
        ],
        capacity=capacity,
        leave=leave,
    )
