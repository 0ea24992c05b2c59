"""Rescheduling: when a task or a milestone moves, what else moves with it (successors pushed by
their links, tasks tied to a milestone moved earlier, milestones pushed by their tasks, summary
tasks spanning their subtasks), in the provider's working days (projects.scheduling.reschedule).

`*_preview` computes the moves and writes nothing; `*_apply` and the `*_with_rescheduling`
services write the requested move and every consequence in one transaction, each row saved with
the acting person in its history. `reschedule_after_milestone_moves` is for code that has
already moved milestones (an approved change request) and wants the plan to follow.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction

from common.errors import NotAllowed
from common.history import set_history_user
from projects.models import Milestone, Project, Task
from projects.permissions import can_edit_plan
from projects.scheduling import Move, PlannedMilestone, reschedule
from projects.selectors.tasks import project_calendar, project_links, project_planned_tasks
from projects.services.milestones import milestone_update
from projects.services.tasks import TaskChanges, roll_up_ancestors, task_update

if TYPE_CHECKING:
    from accounts.models import User


def _milestones(project: Project) -> list[PlannedMilestone]:
    return [
        PlannedMilestone(id=pk, name=name, due_date=due)
        for pk, name, due in Milestone.objects.filter(project=project)
        .order_by("due_date", "id")
        .values_list("pk", "name", "due_date")
    ]


def _moves(
    project: Project,
    *,
    task_moves: dict[int, tuple[date, date]] | None = None,
    milestone_moves: dict[int, date] | None = None,
    before: dict[int, tuple[date | None, date | None]] | None = None,
    milestones_before: dict[int, date] | None = None,
) -> list[Move]:
    """The moves over the project's current plan; `before` / `milestones_before` replace the
    saved dates of tasks / milestones already moved, so that the plan is the one before."""
    tasks = project_planned_tasks(project=project)
    if before:
        tasks = [
            replace(task, start_date=before[task.id][0], due_date=before[task.id][1])
            if task.id in before
            else task
            for task in tasks
        ]
    milestones = _milestones(project)
    if milestones_before:
        milestones = [
            PlannedMilestone(
                id=item.id, name=item.name, due_date=milestones_before.get(item.id, item.due_date)
            )
            for item in milestones
        ]
    return reschedule(
        tasks,
        project_links(project=project),
        milestones,
        task_moves=task_moves,
        milestone_moves=milestone_moves,
        calendar=project_calendar(tasks=tasks),
    )


def reschedule_preview_task(
    *, actor: User, task: Task, start_date: date | None, due_date: date | None
) -> list[Move]:
    """What moves if `task` gets these dates (the task itself first); nothing is written. Empty
    when the dates do not change or are incomplete."""
    if not can_edit_plan(actor, task.project):
        raise NotAllowed()
    if start_date is None or due_date is None or due_date < start_date:
        return []
    if (start_date, due_date) == (task.start_date, task.due_date):
        return []
    return _moves(task.project, task_moves={task.pk: (start_date, due_date)})


def reschedule_preview_milestone(
    *, actor: User, milestone: Milestone, due_date: date
) -> list[Move]:
    """What moves if `milestone` gets this due date (the milestone itself first); nothing is
    written. Empty when the date does not change."""
    if not can_edit_plan(actor, milestone.project):
        raise NotAllowed()
    if due_date == milestone.due_date:
        return []
    return _moves(milestone.project, milestone_moves={milestone.pk: due_date})


def _write(*, actor: User | None, project: Project, moves: list[Move], skip: set[str]) -> None:
    """Save the moved tasks and milestones (but those of `skip`, by key), each with its history."""
    tasks = {
        task.pk: task
        for task in Task.objects.select_for_update().filter(
            project=project,
            pk__in=[move.id for move in moves if move.kind == "task" and move.key not in skip],
        )
    }
    milestones = {
        milestone.pk: milestone
        for milestone in Milestone.objects.select_for_update().filter(
            project=project,
            pk__in=[move.id for move in moves if move.kind == "milestone" and move.key not in skip],
        )
    }
    for move in moves:
        if move.key in skip:
            continue
        if move.kind == "task" and move.id in tasks:
            task = tasks[move.id]
            task.start_date, task.due_date = move.new_start, move.new_due
            set_history_user(task, actor)
            task.save(update_fields=["start_date", "due_date", "updated_at"])
        elif move.kind == "milestone" and move.id in milestones and move.new_due is not None:
            milestone = milestones[move.id]
            milestone.due_date = move.new_due
            set_history_user(milestone, actor)
            milestone.save(update_fields=["due_date"])
    moved_tasks = [move.id for move in moves if move.kind == "task"]
    if moved_tasks:
        roll_up_ancestors(actor=actor, project=project, task_ids=moved_tasks)


@transaction.atomic
def task_update_with_rescheduling(
    *, actor: User, task: Task, changes: TaskChanges, revision: int | None = None
) -> tuple[Task, list[Move]]:
    """`task_update`, then whatever its new dates push (successors, milestones, summaries), all
    in one transaction. Returns the task and the moves (the task's own first, when its dates
    changed)."""
    old = (task.start_date, task.due_date)
    task = task_update(actor=actor, task=task, changes=changes, revision=revision)
    new = (task.start_date, task.due_date)
    if new == old or new[0] is None or new[1] is None:
        return task, []
    moves = _moves(
        task.project,
        task_moves={task.pk: (new[0], new[1])},
        before={task.pk: old},
    )
    _write(actor=actor, project=task.project, moves=moves, skip={f"t{task.pk}"})
    return task, moves


@transaction.atomic
def milestone_update_with_rescheduling(
    *,
    actor: User,
    milestone: Milestone,
    revision: int | None = None,
    **values: object,
) -> tuple[Milestone, list[Move]]:
    """`milestone_update` (same keyword arguments), then the plan follows its new due date
    (`reschedule_after_milestone_moves`), all in one transaction."""
    old_due = milestone.due_date
    milestone = milestone_update(
        actor=actor,
        milestone=milestone,
        revision=revision,
        **values,  # type: ignore[arg-type]
    )
    if milestone.due_date == old_due:
        return milestone, []
    moves = reschedule_after_milestone_moves(
        actor=actor, project=milestone.project, moved={milestone.pk: old_due}
    )
    return milestone, moves


@transaction.atomic
def reschedule_after_milestone_moves(
    *, actor: User | None, project: Project, moved: dict[int, date]
) -> list[Move]:
    """The plan follows milestones already saved at new due dates: `moved` maps each milestone's
    id to its due date before the move. Moves (and saves, with `actor` in the history) the tasks
    tied to a milestone moved earlier, the successors they push, summary tasks, and other
    milestones their tasks push later. Returns every move, the given milestones' own first.
    The caller authorized the milestones' move (for a change request, whoever approved it:
    possibly the client's admin, who may not edit the plan otherwise), so nothing is checked
    here; `actor` is named in the history (None for the system)."""
    current = dict(
        Milestone.objects.filter(project=project, pk__in=list(moved)).values_list("pk", "due_date")
    )
    milestone_moves = {pk: current[pk] for pk in moved if pk in current}
    if not milestone_moves:
        return []
    moves = _moves(
        project,
        milestone_moves=milestone_moves,
        milestones_before={pk: moved[pk] for pk in milestone_moves},
    )
    _write(actor=actor, project=project, moves=moves, skip={f"m{pk}" for pk in milestone_moves})
    return moves
