"""The critical path of a project's tasks (the critical path method, CPM), in working days.

Pure functions, no database: the caller passes the tasks, the links and the working calendar
(the provider's: the team does the work, accounts.calendars.calendar_for_provider).

**Days.** Every date is turned into a working-day number on the calendar (`_WorkingDays`): a
start on a day off counts from the next working day, a finish on a day off from the working day
before. A task planned from `start_date` to `due_date` lasts the working days between them,
both included (at least one: a task planned on days off only is worked on the next working day).
Slack is in working days. Tasks without both dates are left out, and so are the links that touch
them.

**Summary tasks.** A dated task none of whose descendants (`parent_id`) is dated is an activity;
a task with dated descendants is a summary, not an activity: its dates are the earliest and the
latest of its descendants' (its own planned dates are not used), its slack is the least of its
descendants' and it is critical when one of them is. A link to or from a summary applies to each
of its activities (a link from summary P to task T makes every activity under P a predecessor of
T); a pair that would link an activity to itself is dropped.

**Links** (`Link`, each with a lag in working days, negative for a lead), with a task occupying
the days [start, finish] both included and a link joining instants (the end of a finish day is
the start of the next working day):

- finish-to-start: successor start >= predecessor finish + 1 + lag
- start-to-start:  successor start >= predecessor start + lag
- finish-to-finish: successor finish >= predecessor finish + lag
- start-to-finish: successor finish >= predecessor start - 1 + lag

**Forward pass.** A task's early start is the latest of its planned start (a task never starts
before it is planned to: "start no earlier than", as before), its start-no-earlier-than
constraint date (`snet`), and what each link to it asks; early finish = early start + duration
- 1. The project finishes on the latest early finish.

**Backward pass.** A task's late finish is the earliest of the project finish, its
finish-no-later-than constraint date (`fnlt`), and what each link from it asks (the inequalities
above read the other way); late start = late finish - duration + 1. Slack (total float) = late
start - early start. A task with no slack, or negative slack, is critical; negative slack means
a finish-no-later-than date (its own or a successor's) cannot be met, and the task whose own
`fnlt` date is before its early finish is reported in `Schedule.missed_constraints`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from common.errors import InvalidInput
from common.workdays import WorkCalendar

FINISH_TO_START = "fs"
START_TO_START = "ss"
FINISH_TO_FINISH = "ff"
START_TO_FINISH = "sf"
LINK_KINDS = (FINISH_TO_START, START_TO_START, FINISH_TO_FINISH, START_TO_FINISH)
START_NO_EARLIER_THAN = "snet"
FINISH_NO_LATER_THAN = "fnlt"
# Further than any schedule reaches: a calendar with (almost) no working day cannot loop forever.
_MAX_DAYS = 366 * 30


@dataclass(frozen=True)
class PlannedTask:
    id: int
    name: str
    start_date: date | None
    due_date: date | None
    parent_id: int | None = None
    constraint: str = ""  # "", "snet" or "fnlt"
    constraint_date: date | None = None
    milestone_id: int | None = None
    is_done: bool = False

    @property
    def is_dated(self) -> bool:
        return self.start_date is not None and self.due_date is not None


@dataclass(frozen=True)
class Link:
    """A dependency: `successor` after `predecessor` by `kind`, `lag` working days added."""

    predecessor: int
    successor: int
    kind: str = FINISH_TO_START
    lag: int = 0


@dataclass(frozen=True)
class ScheduledTask:
    task_id: int
    duration: int  # working days
    early_start: date
    early_finish: date
    late_start: date
    late_finish: date
    slack: int  # working days; negative when a finish-no-later-than date cannot be met
    is_summary: bool = False

    @property
    def is_critical(self) -> bool:
        return self.slack <= 0


@dataclass(frozen=True)
class Schedule:
    tasks: dict[int, ScheduledTask]
    finish: date | None
    # Tasks whose own finish-no-later-than date is before their early finish.
    missed_constraints: frozenset[int] = field(default_factory=frozenset)

    @property
    def critical_ids(self) -> set[int]:
        return {task_id for task_id, item in self.tasks.items() if item.is_critical}


def as_link(dependency: Link | tuple[int, int]) -> Link:
    """A link from a `Link` or a (predecessor, successor) pair (finish-to-start, no lag)."""
    if isinstance(dependency, Link):
        return dependency
    return Link(predecessor=dependency[0], successor=dependency[1])


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


class _WorkingDays:
    """Working days numbered from `origin` (0 is the first working day on or after it; days
    before it have negative numbers), extended on demand in both directions."""

    def __init__(self, calendar: WorkCalendar, origin: date) -> None:
        self.calendar = calendar
        first = origin
        for _step in range(_MAX_DAYS):
            if calendar.is_working_day(first):
                break
            first += timedelta(days=1)
        else:
            raise ValueError("The calendar has too few working days.")
        self.after = [first]  # after[n] is day n (n >= 0)
        self.before: list[date] = []  # before[n] is day -(n + 1)

    def _extend_after(self) -> None:
        self.after.append(self.calendar.add_working_days(self.after[-1], 1))

    def _extend_before(self) -> None:
        current = self.before[-1] if self.before else self.after[0]
        for _step in range(_MAX_DAYS):
            current -= timedelta(days=1)
            if self.calendar.is_working_day(current):
                self.before.append(current)
                return
        raise ValueError("The calendar has too few working days.")

    def day(self, number: int) -> date:
        if number >= 0:
            while len(self.after) <= number:
                self._extend_after()
            return self.after[number]
        while len(self.before) < -number:
            self._extend_before()
        return self.before[-number - 1]

    def on_or_after(self, day: date) -> int:
        """The number of the first working day on or after `day`."""
        if day >= self.after[0]:
            while self.after[-1] < day:
                self._extend_after()
            return bisect.bisect_left(self.after, day)
        while not self.before or self.before[-1] >= day:
            self._extend_before()
        # `before` descends; the working days on or after `day` are a prefix of it.
        at_or_after = sum(1 for working in self.before if working >= day)
        return -at_or_after

    def on_or_before(self, day: date) -> int:
        """The number of the last working day on or before `day`."""
        number = self.on_or_after(day)
        return number if self.day(number) == day else number - 1

    def duration(self, start: date, due: date) -> int:
        """Working days from `start` to `due`, both included; at least 1."""
        return max(self.on_or_before(due) - self.on_or_after(start) + 1, 1)


@dataclass(frozen=True)
class _Network:
    """The activities (dated tasks without dated descendants), the summaries over them and the
    links between activities."""

    dated: dict[int, PlannedTask]
    activities: dict[int, PlannedTask]
    summaries: dict[int, list[int]]  # summary id: its activities
    links: list[Link]


def _network(
    tasks: Iterable[PlannedTask], dependencies: Iterable[Link | tuple[int, int]]
) -> _Network:
    every = {task.id: task for task in tasks}
    dated = {key: task for key, task in every.items() if task.is_dated}
    children: dict[int, list[int]] = {}
    for task in every.values():
        if task.parent_id is not None and task.parent_id in every:
            children.setdefault(task.parent_id, []).append(task.id)

    leaves_memo: dict[int, list[int]] = {}

    def dated_leaves(task_id: int, seen: frozenset[int] = frozenset()) -> list[int]:
        """The activities at or under `task_id` (a parent cycle, refused by the services,
        is cut)."""
        if task_id in leaves_memo:
            return leaves_memo[task_id]
        below: list[int] = []
        for child in children.get(task_id, []):
            if child not in seen:
                below.extend(dated_leaves(child, seen | {task_id}))
        result = sorted(set(below)) if below else ([task_id] if task_id in dated else [])
        leaves_memo[task_id] = result
        return result

    summaries: dict[int, list[int]] = {}
    activities: dict[int, PlannedTask] = {}
    for task_id in every:
        leaves = dated_leaves(task_id)
        if leaves == [task_id]:
            activities[task_id] = every[task_id]
        elif leaves:
            summaries[task_id] = leaves
    links: set[Link] = set()
    for dependency in dependencies:
        link = as_link(dependency)
        if link.predecessor not in every or link.successor not in every:
            continue
        for before in dated_leaves(link.predecessor):
            for after in dated_leaves(link.successor):
                if before != after:
                    links.add(Link(before, after, link.kind, link.lag))
    return _Network(
        dated=dated,
        activities=activities,
        summaries=summaries,
        links=sorted(links, key=lambda item: (item.predecessor, item.successor, item.kind)),
    )


def earliest_start(link: Link, start: int, finish: int, duration: int) -> int:
    """The earliest start (a day number) `link` allows its successor, whose duration is
    `duration`, given its predecessor's `start` and `finish`."""
    if link.kind == START_TO_START:
        return start + link.lag
    if link.kind == FINISH_TO_FINISH:
        return finish + link.lag - duration + 1
    if link.kind == START_TO_FINISH:
        return start - 1 + link.lag - duration + 1
    return finish + 1 + link.lag


def _latest_finish(link: Link, start: int, finish: int, duration: int) -> int:
    """The latest finish `link` allows its predecessor, whose duration is `duration`, given
    its successor's (late) `start` and `finish`."""
    if link.kind == START_TO_START:
        return start - link.lag + duration - 1
    if link.kind == FINISH_TO_FINISH:
        return finish - link.lag
    if link.kind == START_TO_FINISH:
        return finish + 1 - link.lag + duration - 1
    return start - 1 - link.lag


def critical_path(
    tasks: Iterable[PlannedTask],
    dependencies: Iterable[Link | tuple[int, int]],
    *,
    calendar: WorkCalendar | None = None,
) -> Schedule:
    """Early and late dates, slack and criticality of every dated task, summaries included (see
    the module's docstring). `dependencies` are `Link`s or (predecessor id, successor id) pairs
    (finish-to-start, no lag); `calendar` defaults to Monday to Friday. Raises InvalidInput
    naming the cycle if the links among the activities make one."""
    calendar = calendar or WorkCalendar.default()
    network = _network(tasks, dependencies)
    activities = network.activities
    cycle = find_cycle((link.predecessor, link.successor) for link in network.links)
    if cycle is not None:
        raise InvalidInput(
            cycle_message(cycle, {key: task.name for key, task in activities.items()})
        )
    if not activities:
        return Schedule(tasks={}, finish=None)

    incoming: dict[int, list[Link]] = {task_id: [] for task_id in activities}
    outgoing: dict[int, list[Link]] = {task_id: [] for task_id in activities}
    for link in network.links:
        incoming[link.successor].append(link)
        outgoing[link.predecessor].append(link)
    order = _topological_order(activities, incoming, outgoing)

    origin: date = min(task.start_date for task in activities.values())  # type: ignore[type-var, assignment]
    days = _WorkingDays(calendar, origin)
    duration = {
        task_id: days.duration(task.start_date, task.due_date)  # type: ignore[arg-type]
        for task_id, task in activities.items()
    }
    early_start: dict[int, int] = {}
    early_finish: dict[int, int] = {}
    for task_id in order:
        task = activities[task_id]
        bounds = [days.on_or_after(task.start_date)]  # type: ignore[arg-type]
        if task.constraint == START_NO_EARLIER_THAN and task.constraint_date is not None:
            bounds.append(days.on_or_after(task.constraint_date))
        bounds.extend(
            earliest_start(
                link,
                early_start[link.predecessor],
                early_finish[link.predecessor],
                duration[task_id],
            )
            for link in incoming[task_id]
        )
        early_start[task_id] = max(bounds)
        early_finish[task_id] = early_start[task_id] + duration[task_id] - 1
    finish = max(early_finish.values())
    late_start: dict[int, int] = {}
    late_finish: dict[int, int] = {}
    missed: set[int] = set()
    for task_id in reversed(order):
        task = activities[task_id]
        bounds = [finish]
        if task.constraint == FINISH_NO_LATER_THAN and task.constraint_date is not None:
            limit = days.on_or_before(task.constraint_date)
            bounds.append(limit)
            if early_finish[task_id] > limit:
                missed.add(task_id)
        bounds.extend(
            _latest_finish(
                link, late_start[link.successor], late_finish[link.successor], duration[task_id]
            )
            for link in outgoing[task_id]
        )
        late_finish[task_id] = min(bounds)
        late_start[task_id] = late_finish[task_id] - duration[task_id] + 1

    scheduled = {
        task_id: ScheduledTask(
            task_id=task_id,
            duration=duration[task_id],
            early_start=days.day(early_start[task_id]),
            early_finish=days.day(early_finish[task_id]),
            late_start=days.day(late_start[task_id]),
            late_finish=days.day(late_finish[task_id]),
            slack=late_start[task_id] - early_start[task_id],
        )
        for task_id in order
    }
    for summary_id, leaves in network.summaries.items():
        first = min(early_start[leaf] for leaf in leaves)
        last = max(early_finish[leaf] for leaf in leaves)
        scheduled[summary_id] = ScheduledTask(
            task_id=summary_id,
            duration=last - first + 1,
            early_start=days.day(first),
            early_finish=days.day(last),
            late_start=days.day(min(late_start[leaf] for leaf in leaves)),
            late_finish=days.day(max(late_finish[leaf] for leaf in leaves)),
            slack=min(late_start[leaf] - early_start[leaf] for leaf in leaves),
            is_summary=True,
        )
    return Schedule(tasks=scheduled, finish=days.day(finish), missed_constraints=frozenset(missed))


def activity_order(
    tasks: Iterable[PlannedTask], dependencies: Iterable[Link | tuple[int, int]]
) -> tuple[dict[int, PlannedTask], dict[int, list[int]], list[Link], list[int]]:
    """(activities, summaries with their activities, the links between activities, the
    activities in an order where every predecessor comes first), for the rescheduling.
    Raises InvalidInput naming a cycle."""
    network = _network(tasks, dependencies)
    cycle = find_cycle((link.predecessor, link.successor) for link in network.links)
    if cycle is not None:
        names = {key: task.name for key, task in network.activities.items()}
        raise InvalidInput(cycle_message(cycle, names))
    incoming: dict[int, list[Link]] = {task_id: [] for task_id in network.activities}
    outgoing: dict[int, list[Link]] = {task_id: [] for task_id in network.activities}
    for link in network.links:
        incoming[link.successor].append(link)
        outgoing[link.predecessor].append(link)
    order = _topological_order(network.activities, incoming, outgoing)
    return network.activities, network.summaries, network.links, order


def _topological_order(
    tasks: dict[int, PlannedTask],
    incoming: dict[int, list[Link]],
    outgoing: dict[int, list[Link]],
) -> list[int]:
    """Kahn's algorithm, taking ready tasks by planned start then id (a stable order)."""
    waiting = {task_id: len(links) for task_id, links in incoming.items()}
    ready = sorted(
        (task_id for task_id, count in waiting.items() if count == 0),
        key=lambda task_id: (tasks[task_id].start_date, task_id),
    )
    order: list[int] = []
    while ready:
        task_id = ready.pop(0)
        order.append(task_id)
        for link in outgoing[task_id]:
            waiting[link.successor] -= 1
            if waiting[link.successor] == 0:
                ready.append(link.successor)
        ready.sort(key=lambda item: (tasks[item].start_date, item))
    return order


# --- Rescheduling -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedMilestone:
    id: int
    name: str
    due_date: date


@dataclass(frozen=True)
class Move:
    """A task or milestone that moves: from (old start, old due) to (new start, new due); a
    milestone's start is its due date. `is_requested`: the move asked for, not a consequence."""

    kind: str  # "task" or "milestone"
    id: int
    name: str
    old_start: date | None
    old_due: date | None
    new_start: date | None
    new_due: date | None
    is_requested: bool = False

    @property
    def key(self) -> str:
        return f"{self.kind[0]}{self.id}"


def reschedule(
    tasks: Iterable[PlannedTask],
    dependencies: Iterable[Link | tuple[int, int]],
    milestones: Iterable[PlannedMilestone],
    *,
    task_moves: dict[int, tuple[date, date]] | None = None,
    milestone_moves: dict[int, date] | None = None,
    calendar: WorkCalendar | None = None,
) -> list[Move]:
    """What moves when the tasks of `task_moves` get new (start, due) dates and the milestones
    of `milestone_moves` a new due date; `tasks` and `milestones` hold the plan before the move.
    Working days on `calendar` (Monday to Friday by default). Nothing is pulled earlier except
    by a milestone moved earlier, and a task or milestone moved on purpose stays where it is put.

    1. A moved task takes its new dates (a moved summary task moves its activities by the
       working days its start moves, keeping their durations).
    2. A milestone moved earlier by n working days takes with it the unfinished activities tied
       to it (`milestone_id`) that would otherwise end after its new date: they move earlier by
       the same n working days (their order and spacing kept), and so do their unfinished
       predecessors tied to the same milestone that their links would otherwise break; a link
       from any other predecessor holds a pulled task back. Moved later, a milestone leaves its
       tasks where they are: they still end before it.
    3. Successors are pushed: in link order, an activity with a moved predecessor starts no
       earlier than each link from a moved predecessor asks (kind and lag, in working days),
       keeping its duration in working days; pushed, it pushes its own successors in turn.
    4. Summary tasks span their activities again.
    5. A milestone not moved on purpose moves later to the latest due date of its tied tasks
       when one of them moved past it (never earlier).

    Returns the moves, the requested ones first, then by new start. Raises InvalidInput naming
    a cycle among the links."""
    calendar = calendar or WorkCalendar.default()
    task_moves = task_moves or {}
    milestone_moves = milestone_moves or {}
    every = {task.id: task for task in tasks}
    marks = {milestone.id: milestone for milestone in milestones}
    activities, summaries, links, order = activity_order(every.values(), dependencies)
    dates = [
        day
        for task in every.values()
        for day in (task.start_date, task.due_date)
        if day is not None
    ]
    dates += [day for pair in task_moves.values() for day in pair]
    dates += [milestone.due_date for milestone in marks.values()] + list(milestone_moves.values())
    if not dates:
        return []
    days = _WorkingDays(calendar, min(dates))
    start = {
        key: days.on_or_after(task.start_date)  # type: ignore[arg-type]
        for key, task in activities.items()
    }
    duration = {
        key: days.duration(task.start_date, task.due_date)  # type: ignore[arg-type]
        for key, task in activities.items()
    }
    pinned: set[int] = set()
    requested: dict[int, tuple[date, date]] = {}

    # 1. The tasks moved on purpose.
    for task_id, (new_start, new_due) in task_moves.items():
        task = every.get(task_id)
        if task is None:
            continue
        if task_id in summaries:
            if task.start_date is None:
                continue
            shift = days.on_or_after(new_start) - days.on_or_after(task.start_date)
            for leaf in summaries[task_id]:
                start[leaf] += shift
                pinned.add(leaf)
        elif task_id in activities or (new_start and new_due):
            requested[task_id] = (new_start, new_due)
            start[task_id] = days.on_or_after(new_start)
            duration[task_id] = days.duration(new_start, new_due)
            pinned.add(task_id)
            if task_id not in activities:  # undated until now: scheduled from here on
                activities[task_id] = task

    # 2. Milestones moved earlier take the tasks tied to them along.
    for milestone_id, new_due in milestone_moves.items():
        milestone = marks.get(milestone_id)
        if milestone is None or new_due >= milestone.due_date:
            continue
        shift = days.on_or_before(new_due) - days.on_or_before(milestone.due_date)
        limit = days.on_or_before(new_due)
        pulled = set()
        for task_id, task in activities.items():
            if (
                task.milestone_id == milestone_id
                and not task.is_done
                and task_id not in pinned
                and start[task_id] + duration[task_id] - 1 > limit
            ):
                start[task_id] += shift
                pinned.add(task_id)
                pulled.add(task_id)
        # A pulled task still follows its links: an unfinished predecessor tied to the same
        # milestone comes along by the same shift; any other holds the task back.
        unsettled = bool(pulled)
        while unsettled:
            unsettled = False
            for link in links:
                if link.successor not in pulled:
                    continue
                pred = link.predecessor
                need = earliest_start(
                    link, start[pred], start[pred] + duration[pred] - 1, duration[link.successor]
                )
                if need <= start[link.successor]:
                    continue
                before = activities.get(pred)
                if (
                    before is not None
                    and pred not in pinned
                    and before.milestone_id == milestone_id
                    and not before.is_done
                ):
                    start[pred] += shift
                    pinned.add(pred)
                    pulled.add(pred)
                else:
                    start[link.successor] = need
                unsettled = True

    # 3. Successors pushed by their links.
    moved = set(pinned)
    incoming: dict[int, list[Link]] = {}
    for link in links:
        incoming.setdefault(link.successor, []).append(link)
    for task_id in order:
        if task_id in pinned:
            continue
        needs = [
            earliest_start(
                link,
                start[link.predecessor],
                start[link.predecessor] + duration[link.predecessor] - 1,
                duration[task_id],
            )
            for link in incoming.get(task_id, [])
            if link.predecessor in moved
        ]
        if needs and max(needs) > start[task_id]:
            start[task_id] = max(needs)
            moved.add(task_id)

    def new_dates(task_id: int) -> tuple[date | None, date | None]:
        if task_id in requested:
            return requested[task_id]
        if task_id in moved:
            return days.day(start[task_id]), days.day(start[task_id] + duration[task_id] - 1)
        task = every[task_id]
        return task.start_date, task.due_date

    moves: list[Move] = []
    for task_id in sorted(moved):
        task = every[task_id]
        moved_start, moved_due = new_dates(task_id)
        if (moved_start, moved_due) != (task.start_date, task.due_date) or task_id in requested:
            moves.append(
                Move(
                    "task",
                    task_id,
                    task.name,
                    task.start_date,
                    task.due_date,
                    moved_start,
                    moved_due,
                    task_id in requested,
                )
            )

    # 4. Summary tasks span their activities.
    due_now: dict[int, date | None] = {task_id: new_dates(task_id)[1] for task_id in activities}
    for summary_id, leaves in summaries.items():
        if not moved.intersection(leaves):
            continue
        spans = [new_dates(leaf) for leaf in leaves]
        first = min(day for day, _due in spans if day is not None)
        last = max(due for _day, due in spans if due is not None)
        due_now[summary_id] = last
        summary = every[summary_id]
        if (first, last) != (summary.start_date, summary.due_date):
            moves.append(
                Move(
                    "task",
                    summary_id,
                    summary.name,
                    summary.start_date,
                    summary.due_date,
                    first,
                    last,
                    summary_id in task_moves,
                )
            )

    # 5. Milestones follow their tasks later; the ones moved on purpose take their new date.
    changed = {move.id for move in moves if move.kind == "task"}
    for milestone_id, milestone in marks.items():
        if milestone_id in milestone_moves:
            new_due = milestone_moves[milestone_id]
            if new_due != milestone.due_date:
                moves.append(
                    Move(
                        "milestone",
                        milestone_id,
                        milestone.name,
                        milestone.due_date,
                        milestone.due_date,
                        new_due,
                        new_due,
                        True,
                    )
                )
            continue
        tied = [
            due_now.get(task_id, task.due_date)
            for task_id, task in every.items()
            if task.milestone_id == milestone_id and task_id in changed
        ]
        latest = max((day for day in tied if day is not None), default=None)
        if latest is not None and latest > milestone.due_date:
            moves.append(
                Move(
                    "milestone",
                    milestone_id,
                    milestone.name,
                    milestone.due_date,
                    milestone.due_date,
                    latest,
                    latest,
                )
            )
    moves.sort(
        key=lambda move: (not move.is_requested, move.new_start or date.max, move.kind, move.id)
    )
    return moves
