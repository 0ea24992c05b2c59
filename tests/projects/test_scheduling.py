"""The critical path (projects.scheduling), checked against an example worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from common.errors import InvalidInput
from projects.scheduling import PlannedTask, critical_path, find_cycle


def planned(task_id: int, name: str, start: date | None, due: date | None) -> PlannedTask:
    return PlannedTask(id=task_id, name=name, start_date=start, due_date=due)


# The worked example. Durations in calendar days, start and due both counted:
#
#   A  Jan 4 to Jan 6   3 days
#   B  Jan 4 to Jan 5   2 days   after A
#   C  Jan 4 to Jan 7   4 days   after A
#   D  Jan 4 to Jan 4   1 day    after B and C
#   E  Jan 4 to Jan 5   2 days   (nothing before or after it)
#
# Forward pass (early start ES = max(planned start, day after each predecessor's EF)):
#   A  ES Jan 4   EF Jan 6
#   B  ES Jan 7   EF Jan 8       (after A)
#   C  ES Jan 7   EF Jan 10      (after A)
#   D  ES Jan 11  EF Jan 11      (after C, the later of B and C)
#   E  ES Jan 4   EF Jan 5
#   The tasks finish on Jan 11.
# Backward pass (late finish LF = min(project finish, day before each successor's LS)):
#   D  LF Jan 11  LS Jan 11
#   B  LF Jan 10  LS Jan 9       slack 2
#   C  LF Jan 10  LS Jan 7       slack 0
#   A  LF Jan 6   LS Jan 4       slack 0 (C needs it by Jan 6)
#   E  LF Jan 11  LS Jan 10      slack 6
# Critical path: A → C → D.
A, B, C, D, E = 1, 2, 3, 4, 5
EXAMPLE_TASKS = [
    planned(A, "A", date(2027, 1, 4), date(2027, 1, 6)),
    planned(B, "B", date(2027, 1, 4), date(2027, 1, 5)),
    planned(C, "C", date(2027, 1, 4), date(2027, 1, 7)),
    planned(D, "D", date(2027, 1, 4), date(2027, 1, 4)),
    planned(E, "E", date(2027, 1, 4), date(2027, 1, 5)),
]
EXAMPLE_DEPENDENCIES = [(A, B), (A, C), (B, D), (C, D)]
# task: (duration, ES, EF, LS, LF, slack)
EXPECTED = {
    A: (3, date(2027, 1, 4), date(2027, 1, 6), date(2027, 1, 4), date(2027, 1, 6), 0),
    B: (2, date(2027, 1, 7), date(2027, 1, 8), date(2027, 1, 9), date(2027, 1, 10), 2),
    C: (4, date(2027, 1, 7), date(2027, 1, 10), date(2027, 1, 7), date(2027, 1, 10), 0),
    D: (1, date(2027, 1, 11), date(2027, 1, 11), date(2027, 1, 11), date(2027, 1, 11), 0),
    E: (2, date(2027, 1, 4), date(2027, 1, 5), date(2027, 1, 10), date(2027, 1, 11), 6),
}


@pytest.mark.parametrize("task_id", sorted(EXPECTED))
def test_critical_path_matches_the_worked_example(task_id):
    schedule = critical_path(EXAMPLE_TASKS, EXAMPLE_DEPENDENCIES)
    item = schedule.tasks[task_id]
    assert (
        item.duration,
        item.early_start,
        item.early_finish,
        item.late_start,
        item.late_finish,
        item.slack,
    ) == EXPECTED[task_id]


def test_the_worked_example_finishes_on_jan_11_with_a_c_d_critical():
    schedule = critical_path(EXAMPLE_TASKS, EXAMPLE_DEPENDENCIES)
    assert schedule.finish == date(2027, 1, 11)
    assert schedule.critical_ids == {A, C, D}
    assert [schedule.tasks[key].is_critical for key in (A, B, C, D, E)] == [
        True,
        False,
        True,
        True,
        False,
    ]


def test_a_task_never_starts_before_its_planned_start():
    tasks = [
        planned(1, "Build", date(2027, 1, 4), date(2027, 1, 5)),
        planned(2, "Ship", date(2027, 1, 20), date(2027, 1, 21)),
    ]
    schedule = critical_path(tasks, [(1, 2)])
    assert schedule.tasks[2].early_start == date(2027, 1, 20)
    assert schedule.tasks[2].early_finish == date(2027, 1, 21)
    # Build may slip until the day before Ship's late start without delaying anything.
    assert schedule.tasks[1].late_finish == date(2027, 1, 19)
    assert schedule.tasks[1].slack == 14
    assert schedule.tasks[2].slack == 0


def test_tasks_without_both_dates_and_their_dependencies_are_left_out():
    tasks = [
        planned(1, "Dated", date(2027, 1, 4), date(2027, 1, 4)),
        planned(2, "No due", date(2027, 1, 4), None),
        planned(3, "No dates", None, None),
    ]
    schedule = critical_path(tasks, [(2, 1), (3, 1)])
    assert set(schedule.tasks) == {1}
    assert schedule.tasks[1].early_start == date(2027, 1, 4)


def test_no_dated_task_gives_an_empty_schedule():
    schedule = critical_path([planned(1, "Idea", None, None)], [])
    assert schedule.tasks == {}
    assert schedule.finish is None


def test_a_cycle_is_refused_with_the_cycle_named():
    tasks = [
        planned(1, "Design", date(2027, 1, 4), date(2027, 1, 5)),
        planned(2, "Build", date(2027, 1, 6), date(2027, 1, 8)),
        planned(3, "Test", date(2027, 1, 9), date(2027, 1, 9)),
    ]
    with pytest.raises(InvalidInput) as error:
        critical_path(tasks, [(1, 2), (2, 3), (3, 1)])
    assert (
        str(error.value.message)
        == "These dependencies make a cycle: Design → Build → Test → Design."
    )


def test_find_cycle():
    assert find_cycle([(1, 2), (2, 3)]) is None
    assert find_cycle([(1, 2), (2, 1)]) == [1, 2, 1]
    assert find_cycle([(5, 6), (1, 2), (2, 3), (3, 2)]) == [2, 3, 2]
