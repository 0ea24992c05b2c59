"""The critical path of a project's tasks (the critical path method, CPM).

Durations are in **calendar days**, taken from each task's planned dates: a task planned from
`start_date` to `due_date` (both included) lasts `due - start + 1` days. Tasks without both
dates are left out, and so are the dependencies that touch them. Every dependency is
finish-to-start: the successor starts at the earliest the day after its predecessor finishes.

Forward pass: a task's early start is the later of its planned start (a task never starts
before it is planned to: "start no earlier than") and the day after its latest predecessor's
early finish; early finish = early start + duration - 1. The project finishes on the latest
early finish. Backward pass: a task with no successor may finish as late as the project finish;
otherwise as late as the day before its earliest successor's late start; late start = late
finish - duration + 1. Slack (total float) = late start - early start, in calendar days; a task
with no slack is critical.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from common.errors import InvalidInput


@dataclass(frozen=True)
class PlannedTask:
    id: int
    name: str
    start_date: date | None
    due_date: date | None

    @property
    def is_dated(self) -> bool:
        return self.start_date is not None and self.due_date is not None


@dataclass(frozen=True)
class ScheduledTask:
    task_id: int
    duration: int
    early_start: date
    early_finish: date
    late_start: date
    late_finish: date
    slack: int

    @property
    def is_critical(self) -> bool:
        return self.slack == 0


@dataclass(frozen=True)
class Schedule:
    tasks: dict[int, ScheduledTask]
    finish: date | None

    @property
    def critical_ids(self) -> set[int]:
        return {task_id for task_id, item in self.tasks.items() if item.is_critical}


def find_cycle(edges: Iterable[tuple[int, int]]) -> list[int] | None:
    """A cycle in the directed graph, as the list of its nodes with the first repeated at the
    end (`[a, b, a]`), or None."""
    successors: dict[int, list[int]] = {}
    for predecessor, successor in edges:
        successors.setdefault(predecessor, []).append(successor)
        successors.setdefault(successor, [])
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    for root in sorted(successors):
        if state.get(root):
            continue
        path: list[int] = [root]
        iterators = [iter(sorted(successors[root]))]
        state[root] = 1
        while iterators:
            following = next(iterators[-1], None)
            if following is None:
                state[path.pop()] = 2
                iterators.pop()
            elif state.get(following) == 1:
                return [*path[path.index(following) :], following]
            elif not state.get(following):
                state[following] = 1
                path.append(following)
                iterators.append(iter(sorted(successors[following])))
    return None


def cycle_message(cycle: list[int], names: dict[int, str]) -> str:
    return _("These dependencies make a cycle: %(cycle)s.") % {
        "cycle": " → ".join(names.get(task_id, f"#{task_id}") for task_id in cycle)
    }


def critical_path(
    tasks: Iterable[PlannedTask], dependencies: Iterable[tuple[int, int]]
) -> Schedule:
    """Early and late dates, slack and criticality of every dated task (see the module's
    docstring). `dependencies` are (predecessor id, successor id). Raises InvalidInput naming
    the cycle if the dependencies among the dated tasks make one."""
    dated = {task.id: task for task in tasks if task.is_dated}
    edges = sorted(
        {(before, after) for before, after in dependencies if before in dated and after in dated}
    )
    cycle = find_cycle(edges)
    if cycle is not None:
        raise InvalidInput(cycle_message(cycle, {key: task.name for key, task in dated.items()}))
    if not dated:
        return Schedule(tasks={}, finish=None)

    predecessors: dict[int, list[int]] = {task_id: [] for task_id in dated}
    successors: dict[int, list[int]] = {task_id: [] for task_id in dated}
    for before, after in edges:
        predecessors[after].append(before)
        successors[before].append(after)
    order = _topological_order(dated, predecessors, successors)

    origin: date = min(task.start_date for task in dated.values())  # type: ignore[type-var, assignment]
    duration = {
        task_id: (task.due_date - task.start_date).days + 1  # type: ignore[operator]
        for task_id, task in dated.items()
    }
    # Day numbers from `origin`; a task occupies days [start, finish], both included.
    early_start: dict[int, int] = {}
    early_finish: dict[int, int] = {}
    for task_id in order:
        planned = (dated[task_id].start_date - origin).days  # type: ignore[operator]
        early_start[task_id] = max(
            [planned, *(early_finish[before] + 1 for before in predecessors[task_id])]
        )
        early_finish[task_id] = early_start[task_id] + duration[task_id] - 1
    finish = max(early_finish.values())
    late_start: dict[int, int] = {}
    late_finish: dict[int, int] = {}
    for task_id in reversed(order):
        late_finish[task_id] = min(
            [finish, *(late_start[after] - 1 for after in successors[task_id])]
        )
        late_start[task_id] = late_finish[task_id] - duration[task_id] + 1

    def day(number: int) -> date:
        return origin + timedelta(days=number)

    return Schedule(
        tasks={
            task_id: ScheduledTask(
                task_id=task_id,
                duration=duration[task_id],
                early_start=day(early_start[task_id]),
                early_finish=day(early_finish[task_id]),
                late_start=day(late_start[task_id]),
                late_finish=day(late_finish[task_id]),
                slack=late_start[task_id] - early_start[task_id],
            )
            for task_id in order
        },
        finish=day(finish),
    )


def _topological_order(
    tasks: dict[int, PlannedTask],
    predecessors: dict[int, list[int]],
    successors: dict[int, list[int]],
) -> list[int]:
    """Kahn's algorithm, taking ready tasks by planned start then id (a stable order)."""
    waiting = {task_id: len(before) for task_id, before in predecessors.items()}
    ready = sorted(
        (task_id for task_id, count in waiting.items() if count == 0),
        key=lambda task_id: (tasks[task_id].start_date, task_id),
    )
    order: list[int] = []
    while ready:
        task_id = ready.pop(0)
        order.append(task_id)
        for after in successors[task_id]:
            waiting[after] -= 1
            if waiting[after] == 0:
                ready.append(after)
        ready.sort(key=lambda item: (tasks[item].start_date, item))
    return order
