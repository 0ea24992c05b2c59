"""The critical path (projects.scheduling), checked against an example worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from common.errors import InvalidInput
from common.workdays import WorkCalendar
from projects.scheduling import (
    Link,
    PlannedMilestone,
    PlannedTask,
    critical_path,
    find_cycle,
    reschedule,
)


def planned(task_id: int, name: str, start: date | None, due: date | None) -> PlannedTask:
    return PlannedTask(id=task_id, name=name, start_date=start, due_date=due)


# The worked example, on the default calendar (Monday to Friday, no holidays). Durations in
# working days, start and due both counted (Jan 4 2027 is a Monday; Jan 9-10 is a weekend):
#
#   A  Jan 4 to Jan 6   3 days
#   B  Jan 4 to Jan 5   2 days   after A
#   C  Jan 4 to Jan 7   4 days   after A
#   D  Jan 4 to Jan 4   1 day    after B and C
#   E  Jan 4 to Jan 5   2 days   (nothing before or after it)
#
# Working days numbered from Jan 4: Jan 4=0, 5=1, 6=2, 7=3, 8=4, 11=5, 12=6, 13=7.
# Forward pass (early start ES = max(planned start, the working day after each predecessor's
# EF)):
#   A  ES 0 Jan 4    EF 2 Jan 6
#   B  ES 3 Jan 7    EF 4 Jan 8       (after A)
#   C  ES 3 Jan 7    EF 6 Jan 12      (after A; 4 working days over the weekend)
#   D  ES 7 Jan 13   EF 7 Jan 13      (after C, the later of B and C)
#   E  ES 0 Jan 4    EF 1 Jan 5
#   The tasks finish on Jan 13 (day 7).
# Backward pass (late finish LF = min(project finish, the working day before each successor's
# LS)):
#   D  LF 7 Jan 13  LS 7 Jan 13
#   B  LF 6 Jan 12  LS 5 Jan 11      slack 5 - 3 = 2
#   C  LF 6 Jan 12  LS 3 Jan 7       slack 0
#   A  LF 2 Jan 6   LS 0 Jan 4       slack 0 (C needs it by Jan 6)
#   E  LF 7 Jan 13  LS 6 Jan 12      slack 6 - 0 = 6
# Critical path: A → C → D. (In calendar days, as before working calendars, the tasks finished
# on Jan 11 with the same slack figures: C and D now step over the weekend.)
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
    B: (2, date(2027, 1, 7), date(2027, 1, 8), date(2027, 1, 11), date(2027, 1, 12), 2),
    C: (4, date(2027, 1, 7), date(2027, 1, 12), date(2027, 1, 7), date(2027, 1, 12), 0),
    D: (1, date(2027, 1, 13), date(2027, 1, 13), date(2027, 1, 13), date(2027, 1, 13), 0),
    E: (2, date(2027, 1, 4), date(2027, 1, 5), date(2027, 1, 12), date(2027, 1, 13), 6),
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


def test_the_worked_example_finishes_on_jan_13_with_a_c_d_critical():
    schedule = critical_path(EXAMPLE_TASKS, EXAMPLE_DEPENDENCIES)
    assert schedule.finish == date(2027, 1, 13)
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
    # Build may slip until the working day before Ship's late start without delaying anything:
    # from Jan 4 to Jan 18 there are 10 working days (14 calendar days before calendars).
    assert schedule.tasks[1].late_finish == date(2027, 1, 19)
    assert schedule.tasks[1].slack == 10
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


# --- Link kinds, lags and a calendar ----------------------------------------------------------

# Monday to Friday with a holiday on Wednesday Mar 10, 2027. Working days numbered from Monday
# Mar 1: Mar 1=0, 2=1, 3=2, 4=3, 5=4, 8=5, 9=6, (10 off), 11=7, 12=8, 15=9, 16=10.
HOLIDAY = date(2027, 3, 10)
CALENDAR = WorkCalendar(holidays=frozenset({HOLIDAY}))
MAR = {day: date(2027, 3, day) for day in range(1, 32)}

# A  Mar 1-3   3 days
# B  Mar 1-2   2 days   start-to-start after A, lag 2
# C  Mar 1-5   5 days   finish-to-start after A, lag 1
# D  Mar 1     1 day    finish-to-finish after B, lag 3; finish-to-start after C
# E  Mar 1-2   2 days   finish-to-finish after C, lag 2
#
# Forward pass:
#   A  ES 0                                          EF 2
#   B  ES max(0, A.ES 0 + 2) = 2 (Mar 3)             EF 3 (Mar 4)
#   C  ES max(0, A.EF 2 + 1 + 1) = 4 (Mar 5)         EF 8 (Mar 12: over the weekend and the
#      holiday; Mar 11 without it)
#   D  FF: EF >= B.EF 3 + 3 = 6, so ES >= 6; FS: ES >= C.EF 8 + 1 = 9
#      ES 9 (Mar 15)                                 EF 9
#   E  FF: EF >= C.EF 8 + 2 = 10, so ES >= 10 - 2 + 1 = 9
#      ES 9 (Mar 15)                                 EF 10 (Mar 16)
#   Finish: day 10, Mar 16.
# Backward pass:
#   E  LF 10                LS 9     slack 0
#   D  LF 10                LS 10    slack 1
#   C  LF min(10, D.LS 10 - 1, E.LF 10 - 2) = 8       LS 4    slack 0
#   B  LF min(10, D.LF 10 - 3) = 7 (Mar 11)           LS 6 (Mar 9)   slack 6 - 2 = 4
#   A  LF min(10, SS: B.LS 6 - 2 + 3 - 1 = 6, FS: C.LS 4 - 1 - 1 = 2) = 2   LS 0   slack 0
# Critical path: A → C → E.
LINKED_TASKS = [
    planned(A, "A", MAR[1], MAR[3]),
    planned(B, "B", MAR[1], MAR[2]),
    planned(C, "C", MAR[1], MAR[5]),
    planned(D, "D", MAR[1], MAR[1]),
    planned(E, "E", MAR[1], MAR[2]),
]
LINKS = [
    Link(A, B, "ss", 2),
    Link(A, C, "fs", 1),
    Link(B, D, "ff", 3),
    Link(C, D, "fs", 0),
    Link(C, E, "ff", 2),
]
LINKED_EXPECTED = {
    A: (3, MAR[1], MAR[3], MAR[1], MAR[3], 0),
    B: (2, MAR[3], MAR[4], MAR[9], MAR[11], 4),
    C: (5, MAR[5], MAR[12], MAR[5], MAR[12], 0),
    D: (1, MAR[15], MAR[15], MAR[16], MAR[16], 1),
    E: (2, MAR[15], MAR[16], MAR[15], MAR[16], 0),
}


@pytest.mark.parametrize("task_id", sorted(LINKED_EXPECTED))
def test_critical_path_with_ss_ff_links_lags_and_a_holiday(task_id):
    schedule = critical_path(LINKED_TASKS, LINKS, calendar=CALENDAR)
    item = schedule.tasks[task_id]
    assert (
        item.duration,
        item.early_start,
        item.early_finish,
        item.late_start,
        item.late_finish,
        item.slack,
    ) == LINKED_EXPECTED[task_id]


def test_the_linked_example_finishes_on_mar_16_with_a_c_e_critical():
    schedule = critical_path(LINKED_TASKS, LINKS, calendar=CALENDAR)
    assert schedule.finish == MAR[16]
    assert schedule.critical_ids == {A, C, E}
    # Without the holiday C ends on Mar 11 and everything after it a working day earlier.
    plain = critical_path(LINKED_TASKS, LINKS, calendar=WorkCalendar.default())
    assert plain.tasks[C].early_finish == MAR[11]
    assert plain.finish == MAR[15]


def test_start_to_finish_link_with_a_lead():
    # Guard Mar 1-5 (5 days); Handover Mar 1-2 (2 days) must finish no earlier than Guard's
    # start, less a lead of 1: Handover.EF >= Guard.ES 0 - 1 - 1 = -2, so its planned start
    # (day 0) wins: ES 0, EF 1.
    # Then with lag 3: EF >= 0 - 1 + 3 = 2, so ES >= 2 - 2 + 1 = 1 (Mar 2), EF 2 (Mar 3).
    tasks = [planned(1, "Guard", MAR[1], MAR[5]), planned(2, "Handover", MAR[1], MAR[2])]
    lead = critical_path(tasks, [Link(1, 2, "sf", -1)], calendar=CALENDAR)
    assert (lead.tasks[2].early_start, lead.tasks[2].early_finish) == (MAR[1], MAR[2])
    lag = critical_path(tasks, [Link(1, 2, "sf", 3)], calendar=CALENDAR)
    assert (lag.tasks[2].early_start, lag.tasks[2].early_finish) == (MAR[2], MAR[3])


def test_start_no_earlier_than_delays_the_early_start():
    # Planned Mar 1-2 (2 days), not to start before Mar 8 (day 5): ES Mar 8, EF Mar 9.
    task = PlannedTask(
        id=1,
        name="Install",
        start_date=MAR[1],
        due_date=MAR[2],
        constraint="snet",
        constraint_date=MAR[8],
    )
    schedule = critical_path([task], [], calendar=CALENDAR)
    assert (schedule.tasks[1].early_start, schedule.tasks[1].early_finish) == (MAR[8], MAR[9])
    assert schedule.missed_constraints == frozenset()


def test_a_missed_finish_no_later_than_gives_negative_slack_and_is_reported():
    # Build Mar 1-5 (days 0-4); Ship Mar 1-2 (2 days) after Build: ES 5 (Mar 8), EF 6 (Mar 9),
    # but it must finish no later than Mar 5 (day 4): LF 4, LS 3, slack 3 - 5 = -2.
    # Build: LF = Ship.LS 3 - 1 = 2, LS 2 - 5 + 1 = -2 (Thu Feb 25), slack -2 - 0 = -2.
    tasks = [
        planned(1, "Build", MAR[1], MAR[5]),
        PlannedTask(
            id=2,
            name="Ship",
            start_date=MAR[1],
            due_date=MAR[2],
            constraint="fnlt",
            constraint_date=MAR[5],
        ),
    ]
    schedule = critical_path(tasks, [(1, 2)], calendar=CALENDAR)
    assert schedule.tasks[2].slack == -2
    assert schedule.tasks[2].late_finish == MAR[5]
    assert schedule.tasks[1].slack == -2
    assert schedule.tasks[1].late_start == date(2027, 2, 25)
    assert schedule.missed_constraints == frozenset({2})
    assert schedule.critical_ids == {1, 2}


def test_a_summary_task_is_not_an_activity_its_dates_roll_up_and_links_reach_its_subtasks():
    # Phase (own dates Mar 1-2, ignored) holds Design (Mar 1-3, 3 days) and Build (Mar 1-2,
    # 2 days) after Design. Kick-off (Mar 1, 1 day) leads into Phase, so into both subtasks;
    # Launch (Mar 1, 1 day) follows Phase, so both subtasks.
    tasks = [
        planned(1, "Phase", MAR[1], MAR[2]),
        PlannedTask(id=2, name="Design", start_date=MAR[1], due_date=MAR[3], parent_id=1),
        PlannedTask(id=3, name="Build", start_date=MAR[1], due_date=MAR[2], parent_id=1),
        planned(4, "Launch", MAR[1], MAR[1]),
        planned(5, "Kick-off", MAR[1], MAR[1]),
    ]
    schedule = critical_path(tasks, [(2, 3), (1, 4), (5, 1)], calendar=CALENDAR)
    # Kick-off day 0; Design days 1-3 (Mar 2-4); Build days 4-5 (Mar 5, 8); Launch day 6.
    assert (schedule.tasks[2].early_start, schedule.tasks[2].early_finish) == (MAR[2], MAR[4])
    assert (schedule.tasks[3].early_start, schedule.tasks[3].early_finish) == (MAR[5], MAR[8])
    assert schedule.tasks[4].early_start == MAR[9]
    phase = schedule.tasks[1]
    assert phase.is_summary
    assert (phase.early_start, phase.early_finish) == (MAR[2], MAR[8])
    assert phase.is_critical
    assert schedule.finish == MAR[9]
    # The summary is not on the path as a separate activity: its subtasks are.
    assert schedule.critical_ids == {1, 2, 3, 4, 5}


# --- Rescheduling ---------------------------------------------------------------------------


def test_moving_a_task_pushes_its_successors_by_kind_and_lag_in_working_days():
    # Design Mar 1-3 moves to Mar 3-5 (days 2-4). Build (Mar 4-5, days 3-4) follows it
    # finish-to-start with a lag of 1: starts >= 4 + 1 + 1 = 6 (Mar 9), 2 days: Mar 9-11 (Mar
    # 10 off). Review (Mar 2, day 1) starts with Build (SS, lag 0): day 6, Mar 9. Docs (Mar 8,
    # day 5) is linked to nothing that moved and stays.
    tasks = [
        planned(1, "Design", MAR[1], MAR[3]),
        planned(2, "Build", MAR[4], MAR[5]),
        planned(3, "Review", MAR[2], MAR[2]),
        planned(4, "Docs", MAR[8], MAR[8]),
    ]
    links = [Link(1, 2, "fs", 1), Link(2, 3, "ss", 0)]
    moves = reschedule(tasks, links, [], task_moves={1: (MAR[3], MAR[5])}, calendar=CALENDAR)
    assert [(move.id, move.new_start, move.new_due, move.is_requested) for move in moves] == [
        (1, MAR[3], MAR[5], True),
        (2, MAR[9], MAR[11], False),
        (3, MAR[9], MAR[9], False),
    ]
    assert (moves[1].old_start, moves[1].old_due) == (MAR[4], MAR[5])


def test_a_task_moved_earlier_pulls_nothing():
    tasks = [planned(1, "Design", MAR[8], MAR[9]), planned(2, "Build", MAR[11], MAR[12])]
    moves = reschedule(tasks, [(1, 2)], [], task_moves={1: (MAR[1], MAR[2])}, calendar=CALENDAR)
    assert [move.id for move in moves] == [1]


def test_a_milestone_follows_its_tasks_later_and_its_tasks_follow_it_earlier():
    # Build (Mar 8-9) is tied to Go-live (Mar 12). Build moved to Mar 15-16 pushes Go-live to
    # Mar 16. Then Go-live moved from Mar 12 to Mar 3 (Mar 3 is day 2, Mar 12 day 8: 6 working
    # days earlier): Build, which would end after it, moves 6 working days earlier: Mar 8-9 are
    # days 5-6, so days -1 and 0: Feb 26 and Mar 1. Docs (done) stays.
    tasks = [
        PlannedTask(id=1, name="Build", start_date=MAR[8], due_date=MAR[9], milestone_id=7),
        PlannedTask(
            id=2, name="Docs", start_date=MAR[8], due_date=MAR[8], milestone_id=7, is_done=True
        ),
    ]
    milestones = [PlannedMilestone(id=7, name="Go-live", due_date=MAR[12])]
    later = reschedule(tasks, [], milestones, task_moves={1: (MAR[15], MAR[16])}, calendar=CALENDAR)
    assert [(move.kind, move.id, move.new_due) for move in later] == [
        ("task", 1, MAR[16]),
        ("milestone", 7, MAR[16]),
    ]
    earlier = reschedule(tasks, [], milestones, milestone_moves={7: MAR[3]}, calendar=CALENDAR)
    assert [(m.kind, m.id, m.new_start, m.new_due, m.is_requested) for m in earlier] == [
        ("milestone", 7, MAR[3], MAR[3], True),
        ("task", 1, date(2027, 2, 26), MAR[1], False),
    ]


def test_a_milestone_moved_earlier_brings_the_predecessors_its_pulled_tasks_need():
    # A (Mon 1 to Fri 5 March 2027) then B (Mon 8 to Fri 19), both of Design (due Fri 19). Design
    # moves to Fri 12: 5 working days earlier. B ends after it and moves 5 working days earlier
    # (Mon 1 to Fri 12), which its link from A would break (B starts after A finishes): A comes
    # along by the same 5 working days, Mon 22 to Fri 26 February, and the spacing is kept.
    from projects.scheduling import Link, PlannedMilestone, reschedule

    tasks = [
        PlannedTask(1, "A", date(2027, 3, 1), date(2027, 3, 5), milestone_id=9),
        PlannedTask(2, "B", date(2027, 3, 8), date(2027, 3, 19), milestone_id=9),
    ]
    moves = reschedule(
        tasks,
        [Link(1, 2)],
        [PlannedMilestone(9, "Design", date(2027, 3, 19))],
        milestone_moves={9: date(2027, 3, 12)},
    )
    by_name = {move.name: (move.new_start, move.new_due) for move in moves}
    assert by_name["A"] == (date(2027, 2, 22), date(2027, 2, 26))
    assert by_name["B"] == (date(2027, 3, 1), date(2027, 3, 12))


def test_a_pulled_task_is_held_back_by_a_predecessor_of_another_milestone():
    # As above, but A belongs to another milestone: it stays, and B starts Mon 8 March after it,
    # as before (it cannot move earlier without breaking its link).
    from projects.scheduling import Link, PlannedMilestone, reschedule

    tasks = [
        PlannedTask(1, "A", date(2027, 3, 1), date(2027, 3, 5), milestone_id=8),
        PlannedTask(2, "B", date(2027, 3, 8), date(2027, 3, 19), milestone_id=9),
    ]
    moves = reschedule(
        tasks,
        [Link(1, 2)],
        [
            PlannedMilestone(8, "Build", date(2027, 3, 5)),
            PlannedMilestone(9, "Design", date(2027, 3, 19)),
        ],
        milestone_moves={9: date(2027, 3, 12)},
    )
    assert "A" not in {move.name for move in moves}
    assert {move.name: move.new_start for move in moves}.get("B", date(2027, 3, 8)) == date(
        2027, 3, 8
    )
