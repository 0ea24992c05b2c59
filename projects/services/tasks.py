"""Tasks (the WBS) and their dependencies (finish-to-start, start-to-start, finish-to-finish,
start-to-finish, with a lag in working days).

The PM plans: creates, edits and deletes tasks and their dependencies. A team member reports
progress on the tasks assigned to them: status, percent complete and actual hours, nothing
else. A task's milestone, parent and dependencies stay inside its project, parents and
dependencies never make a cycle, and the assignee is one of the project's PMs or team members.
Marking a task done completes it (100 %). A constraint ("start no earlier than", "finish no
later than") comes with its date and a date with its constraint; a task added by a change names
one of its project's budget changes.

A task is the team's or the client's (`owner_side`): a client's task (a duty of the client's
side: provide data, test, sign) is visible to the client, is assigned to one of the project's
client admins or representatives (or to none: the client's side as a whole), and they report its
progress (status and percent complete). It is planned, linked and scheduled as any task, so it
sits on the critical path when it holds the finish; when it is late, the days count as waited on
the client (projects.wait_sources).

A repeating task (weekly, monthly) needs a due date. When an occurrence is marked done, the next
is added once: due a week or a month after the previous one in the series' own rhythm (counted
from its first occurrence, so the 31st stays the last day of each shorter month), with the same
duration, until `repeat_until`. Done again after being reopened, it adds nothing more.

Summary tasks are rolled up: a task with dated subtasks starts on the earliest start and ends on
the latest due date of the dated tasks under it (its own dates are derived, whatever is given),
so a parent can never end before one of its children. Every save of a task rolls up its
ancestors, those of its old parent too when it moves in the WBS.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from common.history import set_history_user
from common.revisions import check_revision
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
from projects.permissions import can_edit_own_tasks, can_edit_plan, can_update_task
from projects.scheduling import cycle_message, find_cycle

if TYPE_CHECKING:
    from accounts.models import User


class TaskChanges(TypedDict, total=False):
    """What may change on a task; keys left out stay as they are."""

    name: str
    description: str
    milestone: Milestone | None
    parent: Task | None
    assignee: User | None
    estimate_hours: Decimal | None
    actual_hours: Decimal
    start_date: date | None
    due_date: date | None
    status: str
    percent_complete: int
    visibility: str
    constraint: str
    constraint_date: date | None
    budget_change: BudgetChange | None
    owner_side: str
    repeat: str
    repeat_until: date | None


# Lags and leads of a dependency, in working days.
LAG_LIMIT = 365
# What a team member may change on a task assigned to them.
PROGRESS_FIELDS = frozenset({"status", "percent_complete", "actual_hours"})
# What a client admin or representative may change on a task of the client's.
CLIENT_PROGRESS_FIELDS = frozenset({"status", "percent_complete"})
TASK_FIELDS = frozenset(TaskChanges.__annotations__)


def _apply(task: Task, changes: TaskChanges) -> None:
    unknown = set(changes) - TASK_FIELDS
    if unknown:
        raise InvalidInput(_("Unknown field: %(field)s.") % {"field": sorted(unknown)[0]})
    for name, value in changes.items():
        if isinstance(value, str) and name != "description":
            value = value.strip()
        setattr(task, name, value)
    task.description = (task.description or "").strip()
    if "status" in changes and task.status == Task.Status.DONE:
        task.percent_complete = 100
    if task.status != Task.Status.DONE:
        task.completed_at = None
    elif task.completed_at is None:
        task.completed_at = timezone.now()


def _validate(task: Task, *, assignee_changed: bool = True) -> None:
    """Every rule of a task that one row cannot say alone; raises InvalidInput on its field.
    The assignee is checked when it is set or changed: a person who has since left the team
    keeps their tasks until the PM reassigns them, and the tasks can still be edited."""
    if not task.name:
        raise InvalidInput(_("Name is required."), field="name")
    if len(task.name) > 200:
        raise InvalidInput(_("The name is too long: at most 200 characters."), field="name")
    if task.status not in Task.Status.values:
        raise InvalidInput(_("Unknown status."), field="status")
    if task.visibility not in Visibility.values:
        raise InvalidInput(_("Unknown visibility."), field="visibility")
    if task.percent_complete is None or not 0 <= task.percent_complete <= 100:
        raise InvalidInput(_("Percent complete is between 0 and 100."), field="percent_complete")
    if task.estimate_hours is not None and task.estimate_hours < 0:
        raise InvalidInput(_("The estimate cannot be negative."), field="estimate_hours")
    if task.actual_hours is None or task.actual_hours < 0:
        raise InvalidInput(_("Actual hours cannot be negative."), field="actual_hours")
    if task.start_date and task.due_date and task.due_date < task.start_date:
        raise InvalidInput(_("The due date cannot be before the start."), field="due_date")
    if task.milestone is not None and task.milestone.project_id != task.project_id:
        raise InvalidInput(_("The milestone belongs to another project."), field="milestone")
    if task.constraint not in ("", *Task.Constraint.values):
        raise InvalidInput(_("Unknown constraint."), field="constraint")
    if task.constraint and task.constraint_date is None:
        raise InvalidInput(_("Give the constraint's date."), field="constraint_date")
    if task.constraint_date is not None and not task.constraint:
        raise InvalidInput(_("Choose the constraint this date is for."), field="constraint")
    if task.budget_change is not None and task.budget_change.project_id != task.project_id:
        raise InvalidInput(
            _("The budget change belongs to another project."), field="budget_change"
        )
    if task.owner_side not in Task.OwnerSide.values:
        raise InvalidInput(_("Say whether the team or the client does it."), field="owner_side")
    client_owned = task.owner_side == Task.OwnerSide.CLIENT
    if client_owned and task.visibility != Visibility.CLIENT:
        raise InvalidInput(
            _("A task the client does is visible to the client."), field="visibility"
        )
    if (
        client_owned
        and task.milestone is not None
        and task.milestone.visibility != Visibility.CLIENT
    ):
        raise InvalidInput(
            _("A task the client does belongs to a milestone the client sees."),
            field="milestone",
        )
    if task.repeat not in ("", *Task.Repeat.values):
        raise InvalidInput(_("Unknown repetition."), field="repeat")
    if task.repeat and task.due_date is None:
        raise InvalidInput(_("A repeating task needs a due date."), field="due_date")
    if task.repeat_until is not None and not task.repeat:
        raise InvalidInput(_("Choose how often the task repeats."), field="repeat")
    if task.repeat_until is not None and task.due_date and task.repeat_until < task.due_date:
        raise InvalidInput(
            _("The repetition cannot end before the task's due date."), field="repeat_until"
        )
    if assignee_changed and task.assignee is not None and not _may_be_assigned(task):
        raise InvalidInput(
            _("Assign the client's task to a client admin or representative of this project.")
            if client_owned
            else _("Assign the task to a project manager or team member of this project."),
            field="assignee",
        )
    _validate_parent(task)


def _may_be_assigned(task: Task) -> bool:
    """Whether the task's assignee is on its side of the project: a PM or team member for the
    team's tasks, a client admin or customer representative for the client's."""
    if task.assignee_id is None:
        return True
    if task.owner_side == Task.OwnerSide.CLIENT:
        roles = [Role.CLIENT_ADMIN, Role.CUSTOMER_REP]
    else:
        roles = [Role.PM, Role.TEAM_MEMBER]
    return Membership.objects.filter(
        project_id=task.project_id, user_id=task.assignee_id, role__in=roles
    ).exists()


def _validate_parent(task: Task) -> None:
    parent = task.parent
    if parent is None:
        return
    if parent.project_id != task.project_id:
        raise InvalidInput(_("The parent task belongs to another project."), field="parent")
    if task.pk is None:
        return
    if parent.pk == task.pk:
        raise InvalidInput(_("A task cannot be its own parent."), field="parent")
    parents = dict(Task.objects.filter(project_id=task.project_id).values_list("pk", "parent_id"))
    ancestor: int | None = parent.pk
    while ancestor is not None:
        if ancestor == task.pk:
            raise InvalidInput(
                _("%(parent)s is a subtask of %(task)s: it cannot become its parent.")
                % {"parent": parent.name, "task": task.name},
                field="parent",
            )
        ancestor = parents.get(ancestor)


def _save(task: Task, actor: User, *, previous_parent_id: int | None = None) -> Task:
    set_history_user(task, actor)
    task.save()
    roll_up_ancestors(
        actor=actor,
        project=task.project,
        task_ids=[task.pk] + ([previous_parent_id] if previous_parent_id else []),
    )
    task.refresh_from_db(fields=["start_date", "due_date", "revision"])
    return task


def roll_up_ancestors(*, actor: User | None, project: Project, task_ids: list[int]) -> list[Task]:
    """Give each of `task_ids` that has dated subtasks, and each of their ancestors, the earliest
    start and the latest due date of the dated tasks under it (deepest first, so that a summary
    under a summary counts with its new dates). Saves the tasks whose dates change, with `actor`
    in their history, and returns them. One query to read the project's tree, one per task
    saved."""
    rows = {
        pk: (parent_id, start, due)
        for pk, parent_id, start, due in Task.objects.filter(project=project).values_list(
            "pk", "parent_id", "start_date", "due_date"
        )
    }
    children: dict[int, list[int]] = {}
    for pk, (parent_id, _start, _due) in rows.items():
        if parent_id is not None and parent_id in rows:
            children.setdefault(parent_id, []).append(pk)
    chain: list[int] = []  # the tasks to roll up, each before its ancestors
    for task_id in task_ids:
        current: int | None = task_id
        while current is not None and current in rows and current not in chain:
            chain.append(current)
            current = rows[current][0]
    dates = {pk: (start, due) for pk, (_parent, start, due) in rows.items()}
    changed: dict[int, tuple[date, date]] = {}

    def depth(pk: int) -> int:
        level, current = 0, rows[pk][0]
        while current is not None and current in rows and level <= len(rows):
            level, current = level + 1, rows[current][0]
        return level

    for pk in sorted(chain, key=depth, reverse=True):
        spans = [dates[child] for child in children.get(pk, [])]
        starts = [start for start, _due in spans if start is not None]
        dues = [due for _start, due in spans if due is not None]
        if not starts or not dues:
            continue  # no dated subtask: the task keeps its own dates
        rolled = (min(starts), max(dues))
        if rolled != dates[pk]:
            dates[pk] = rolled
            changed[pk] = rolled
    saved = []
    for task in Task.objects.select_for_update().filter(pk__in=list(changed)).order_by("pk"):
        task.start_date, task.due_date = changed[task.pk]
        set_history_user(task, actor)
        task.save(update_fields=["start_date", "due_date", "updated_at"])
        saved.append(task)
    return saved


@transaction.atomic
def task_create(
    *,
    actor: User,
    project: Project,
    name: str,
    description: str = "",
    milestone: Milestone | None = None,
    parent: Task | None = None,
    assignee: User | None = None,
    estimate_hours: Decimal | None = None,
    actual_hours: Decimal = Decimal(0),
    start_date: date | None = None,
    due_date: date | None = None,
    status: str = Task.Status.TODO,
    percent_complete: int = 0,
    visibility: str = Visibility.INTERNAL,
    constraint: str = "",
    constraint_date: date | None = None,
    budget_change: BudgetChange | None = None,
    owner_side: str = Task.OwnerSide.TEAM,
    repeat: str = "",
    repeat_until: date | None = None,
) -> Task:
    """The PM adds a task (internal unless said otherwise) at the end of the WBS; its ancestors
    are rolled up."""
    if not can_edit_plan(actor, project):
        raise NotAllowed()
    task = Task(project=project)
    _apply(
        task,
        TaskChanges(
            name=name,
            description=description,
            milestone=milestone,
            parent=parent,
            assignee=assignee,
            estimate_hours=estimate_hours,
            actual_hours=actual_hours,
            start_date=start_date,
            due_date=due_date,
            status=status,
            percent_complete=percent_complete,
            visibility=visibility,
            constraint=constraint,
            constraint_date=constraint_date,
            budget_change=budget_change,
            owner_side=owner_side,
            repeat=repeat,
            repeat_until=repeat_until,
        ),
    )
    _validate(task)
    task.position = (
        Task.objects.filter(project=project).aggregate(Max("position"))["position__max"] or 0
    ) + 1
    return _save(task, actor)


@transaction.atomic
def task_update(
    *, actor: User, task: Task, changes: TaskChanges, revision: int | None = None
) -> Task:
    """Change a task. The PM changes anything; the task's assignee, if a team member, only its
    progress (PROGRESS_FIELDS); a client admin or representative only the progress of a task
    of the client's (CLIENT_PROGRESS_FIELDS). Raises NotAllowed for anyone else or any other
    field, and EditConflict if `revision` is given and someone saved the task since. Marking a
    repeating task done adds its next occurrence."""
    task = Task.objects.select_for_update().select_related("project").get(pk=task.pk)
    if not can_update_task(actor, task):
        raise NotAllowed()
    check_revision(task, revision)
    if not can_edit_plan(actor, task.project):
        if not can_edit_own_tasks(actor, task.project):
            if set(changes) - CLIENT_PROGRESS_FIELDS:
                raise NotAllowed(
                    _("On your side's tasks you may change the status and percent complete.")
                )
        elif set(changes) - PROGRESS_FIELDS:
            raise NotAllowed(
                _("On your own tasks you may change the status, percent complete and actual hours.")
            )
    previous_assignee_id = task.assignee_id
    previous_parent_id = task.parent_id
    previous_side = task.owner_side
    was_done = task.status == Task.Status.DONE
    _apply(task, changes)
    _validate(
        task,
        assignee_changed=task.assignee_id != previous_assignee_id
        or task.owner_side != previous_side,
    )
    saved = _save(
        task,
        actor,
        previous_parent_id=previous_parent_id if previous_parent_id != task.parent_id else None,
    )
    if task.repeat and not was_done and task.status == Task.Status.DONE:
        _add_next_occurrence(saved, actor)
    return saved


def add_months(day: date, months: int, *, day_of_month: int | None = None) -> date:
    """`day` moved by `months` calendar months, on `day_of_month` (by default its own day), or
    the month's last day when it is shorter: Jan 31 + 1 month is Feb 28 (29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    wanted = day_of_month or day.day
    return date(year, month + 1, min(wanted, calendar.monthrange(year, month + 1)[1]))


def next_occurrence_due(task: Task, first: Task) -> tuple[int, date] | None:
    """The number and due date of the occurrence after `task`, in the rhythm of the series'
    first occurrence `first` (which may be `task` itself): the first one due after `task`, so
    an occurrence moved late does not bring the next one before it. None past `repeat_until`."""
    if not task.repeat or task.due_date is None or first.due_date is None:
        return None
    number = max(task.occurrence, first.occurrence) + 1
    while True:
        offset = number - first.occurrence
        if task.repeat == Task.Repeat.WEEKLY:
            due = first.due_date + timedelta(weeks=offset)
        else:
            due = add_months(first.due_date, offset)
        if due > task.due_date:
            break
        number += 1
    if task.repeat_until is not None and due > task.repeat_until:
        return None
    return number, due


def _add_next_occurrence(task: Task, actor: User) -> Task | None:
    """The next occurrence of a repeating task just done, unless the series has one after it
    already (the task was done, reopened and done again) or it ends here."""
    first = task.repeat_series or task
    if Task.objects.filter(repeat_series=first, occurrence__gt=task.occurrence).exists():
        return None
    upcoming = next_occurrence_due(task, first)
    if upcoming is None:
        return None
    number, due = upcoming
    start = due - (task.due_date - task.start_date) if task.start_date and task.due_date else None
    assignee = task.assignee
    if assignee is not None and not _may_be_assigned(task):
        assignee = None  # left the project: the PM assigns the next one
    following = Task(
        project=task.project,
        name=task.name,
        description=task.description,
        milestone=task.milestone,
        parent=task.parent,
        assignee=assignee,
        estimate_hours=task.estimate_hours,
        start_date=start,
        due_date=due,
        visibility=task.visibility,
        owner_side=task.owner_side,
        budget_change=task.budget_change,
        repeat=task.repeat,
        repeat_until=task.repeat_until,
        repeat_series=first,
        occurrence=number,
        position=(
            Task.objects.filter(project=task.project).aggregate(Max("position"))["position__max"]
            or 0
        )
        + 1,
    )
    return _save(following, actor)


@transaction.atomic
def task_delete(*, actor: User, task: Task) -> None:
    """The PM deletes a task and its dependencies; a task with subtasks stays until they are
    deleted or moved (nothing is lost by surprise)."""
    if not can_edit_plan(actor, task.project):
        raise NotAllowed()
    if task.children.exists():
        raise InvalidTransition(_("This task has subtasks: delete or move them first."))
    parent_id = task.parent_id
    set_history_user(task, actor)
    task.delete()
    if parent_id is not None:
        roll_up_ancestors(actor=actor, project=task.project, task_ids=[parent_id])


@transaction.atomic
def dependency_add(
    *,
    actor: User,
    predecessor: Task,
    successor: Task,
    kind: str = TaskDependency.Kind.FINISH_TO_START,
    lag_days: int = 0,
) -> TaskDependency:
    """Link `successor` to `predecessor` (by default finish-to-start: it cannot start before
    `predecessor` finishes), `lag_days` working days added (negative: a lead), between -365 and
    365. Both in the same project; refused if it would close a cycle, with the cycle named
    ("A → B → A")."""
    project = successor.project
    if not can_edit_plan(actor, project):
        raise NotAllowed()
    if kind not in TaskDependency.Kind.values:
        raise InvalidInput(_("Unknown kind of dependency."), field="kind")
    if not -LAG_LIMIT <= lag_days <= LAG_LIMIT:
        raise InvalidInput(
            _("The lag is between %(low)d and %(high)d working days.")
            % {"low": -LAG_LIMIT, "high": LAG_LIMIT},
            field="lag_days",
        )
    if predecessor.project_id != successor.project_id:
        raise InvalidInput(
            _("A task can only depend on a task of the same project."), field="predecessor"
        )
    if predecessor.pk == successor.pk:
        raise InvalidInput(_("A task cannot depend on itself."), field="predecessor")
    # One writer of a project's dependencies at a time, so that two additions cannot together
    # make a cycle that neither makes alone.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    edges = list(
        TaskDependency.objects.filter(successor__project=project).values_list(
            "predecessor_id", "successor_id"
        )
    )
    if (predecessor.pk, successor.pk) in edges:
        raise Conflict(
            _("%(successor)s already depends on %(predecessor)s.")
            % {"successor": successor.name, "predecessor": predecessor.name},
            field="predecessor",
        )
    cycle = find_cycle([*edges, (predecessor.pk, successor.pk)])
    if cycle is not None:
        # The graph had no cycle before, so this one passes through the new dependency: name
        # it from the predecessor ("A → B → A").
        loop = cycle[:-1]
        start = loop.index(predecessor.pk)
        cycle = [*loop[start:], *loop[:start], predecessor.pk]
        names = dict(Task.objects.filter(pk__in=set(cycle)).values_list("pk", "name"))
        raise InvalidInput(cycle_message(cycle, names), field="predecessor")
    try:
        with transaction.atomic():
            return TaskDependency.objects.create(
                predecessor=predecessor, successor=successor, kind=kind, lag_days=lag_days
            )
    except IntegrityError as error:  # added meanwhile by someone else
        raise Conflict(
            _("%(successor)s already depends on %(predecessor)s.")
            % {"successor": successor.name, "predecessor": predecessor.name},
            field="predecessor",
        ) from error


@transaction.atomic
def dependency_remove(*, actor: User, dependency: TaskDependency) -> None:
    if not can_edit_plan(actor, dependency.successor.project):
        raise NotAllowed()
    dependency.delete()
