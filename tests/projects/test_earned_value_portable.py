"""Earned value with the date arithmetic and divisions that differ between databases: task
durations that are not whole fractions (3/7, 2/3, 21/31), a task across a month's end, a task
without a start, a task without a due date. The expected figures are computed by hand, so the
same module passes on PostgreSQL (the suite) and on the embedded SQLite default
(`DATABASE_URL=sqlite:///… pytest tests/projects/test_earned_value_portable.py`); the smoke
suite (tests/embedded/) compares the two databases on the demo data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from projects.earned_value.figures import earned_value_many, project_earned_value
from projects.earned_value.series import earned_value_series, earned_value_today_and_series
from projects.models import BudgetChange, Task
from tests.factories import ProjectFactory

D = date(2026, 5, 10)


@pytest.fixture
def uneven(db, time_machine):
    """Budget 9 000, status date 10 May 2026 (the clock stands at noon that day).

    Leaf task       estimate  start - due (days)   at D: planned          done  earned
    Seven days      30 h      1 - 7 May (7)        7/7   → 30 h           50 %  15 h
    Next seven      21 h      8 - 14 May (7)       3/7   →  9 h            0 %   0 h
    Due today       10 h      - - 10 May (1)       1/1   → 10 h          100 %  10 h
    Three days       9 h      9 - 11 May (3)       2/3   →  6 h           20 %   1.8 h
    Unscheduled     20 h      no due date          never planned          40 %   8 h
    Month's end     31 h      20 Apr - 20 May (31) 21/31 → 21 h           10 %   3.1 h
    Total 121 h; planned 76 h → 62.81 %, PV = 9 000 · 76/121 = 5 652.89;
    earned 37.9 h → 31.32 %, EV = 9 000 · 37.9/121 = 2 819.01; SPI = 37.9/76 = 0.50.
    An integer division would plan 0 h of "Next seven", "Three days" and "Month's end"; a
    date difference taken as text would plan nothing at all.
    """
    time_machine.move_to(datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
    project = ProjectFactory(
        budget=Decimal("9000.00"), start_date=date(2026, 4, 20), end_date=date(2026, 5, 31)
    )
    for name, estimate, start, due, percent in [
        ("Seven days", 30, date(2026, 5, 1), date(2026, 5, 7), 50),
        ("Next seven", 21, date(2026, 5, 8), date(2026, 5, 14), 0),
        ("Due today", 10, None, D, 100),
        ("Three days", 9, date(2026, 5, 9), date(2026, 5, 11), 20),
        ("Unscheduled", 20, date(2026, 5, 1), None, 40),
        ("Month's end", 31, date(2026, 4, 20), date(2026, 5, 20), 10),
    ]:
        Task.objects.create(
            project=project,
            name=name,
            estimate_hours=Decimal(estimate),
            start_date=start,
            due_date=due,
            percent_complete=percent,
        )
    return project


def test_uneven_durations_give_the_hand_computed_figures(uneven):
    figures = project_earned_value(uneven, status_date=D)
    assert figures.planned_percent == Decimal("62.81")
    assert figures.earned_percent == Decimal("31.32")
    assert figures.pv == Decimal("5652.89")
    assert figures.ev == Decimal("2819.01")
    assert figures.sv == Decimal("-2833.88")
    assert figures.spi == Decimal("0.50")
    assert figures.ac == Decimal("0.00")
    assert figures.cpi is None


def test_the_many_projects_path_agrees_with_the_single_one(uneven):
    assert earned_value_many([uneven], status_date=D)[uneven.pk] == project_earned_value(
        uneven, status_date=D
    )


def test_the_series_plans_the_same_as_the_figures_at_every_point(uneven):
    points = earned_value_series(uneven, today=D)
    assert [point.date for point in points] == [
        date(2026, 4, 20),
        date(2026, 4, 27),
        date(2026, 5, 4),
        D,
    ]
    for point in points:
        assert point.pv == project_earned_value(uneven, status_date=point.date).pv
    # 4 May: "Seven days" 4/7 · 30 h, "Month's end" 15/31 · 31 h → 32.142857 h of 121 h.
    assert points[2].pv == Decimal("2390.79")
    # 20 April: one day of "Month's end" (1 h); 27 April: eight (8 h).
    assert (points[0].pv, points[1].pv) == (Decimal("74.38"), Decimal("595.04"))
    # Today's point earns today's percent complete; the past ones what the history held then
    # (the tasks were created today: nothing).
    assert points[-1].ev == Decimal("2819.01")
    assert {point.ev for point in points[:-1]} == {Decimal("0.00")}


def test_budget_changes_split_the_same_on_every_database(uneven):
    """A change of 1 000 of added scope and 500 of contingency raises the budget to 10 500.

    Its work: "Added" 7 h, 8 - 14 May (7 days): at D 3/7 → 3 h planned; 60 % → 4.2 h earned.
    PV = 9 000 · 76/121 + 1 000 · 3/7 = 5 652.89 + 428.57 = 6 081.46;
    EV = 9 000 · 37.9/121 + 1 000 · 4.2/7 = 2 819.01 + 600 = 3 419.01; BAC 10 000.
    """
    change = BudgetChange.objects.create(
        project=uneven,
        change_reference="CR-1",
        title="More",
        scope_amount=Decimal(1000),
        contingency_amount=Decimal(500),
    )
    uneven.budget += Decimal(1500)
    uneven.save()
    Task.objects.create(
        project=uneven,
        name="Added",
        estimate_hours=Decimal(7),
        start_date=date(2026, 5, 8),
        due_date=date(2026, 5, 14),
        percent_complete=60,
        budget_change=change,
    )
    figures = project_earned_value(uneven, status_date=D)
    assert (figures.bac, figures.original_budget, figures.contingency) == (
        Decimal("10000.00"),
        Decimal("9000.00"),
        Decimal("500.00"),
    )
    assert (figures.pv, figures.ev) == (Decimal("6081.46"), Decimal("3419.01"))
    assert figures.spi == Decimal("0.56")
    assert earned_value_many([uneven], status_date=D)[uneven.pk] == figures
    last = earned_value_series(uneven, today=D)[-1]
    assert (last.pv, last.ev) == (figures.pv, figures.ev)


@pytest.mark.parametrize(
    "today",
    [date(2026, 4, 1), date(2026, 4, 20), D, date(2026, 5, 31), date(2026, 7, 1)],
    ids=["before the start", "the first day", "a day within", "the last day", "after the end"],
)
def test_todays_figures_read_with_the_series_are_the_figures(
    uneven, today, django_assert_num_queries
):
    with django_assert_num_queries(1):
        figures, series = earned_value_today_and_series(uneven, today=today)

    assert figures == project_earned_value(uneven, status_date=today)
    assert series == earned_value_series(uneven, today=today)


def _recorded(task: Task, percent: int, at: datetime) -> None:
    """A record of `task`'s history: `percent` complete from `at` on."""
    record = Task.history.filter(id=task.pk).earliest("history_id")
    record.history_id = None
    record.percent_complete = percent
    record.history_date = at
    record.save()


def test_past_points_earn_what_the_history_held_at_the_end_of_their_day(uneven):
    """Each past point reads each task's last record before the end of its day; of two
    recorded at the same moment, the later one.

    "Seven days" (30 h): 10 % on 25 April, 20 % on 27 April, 30 % then 60 % both at noon on
    3 May, 90 % on 5 May. "Month's end" (31 h): 5 % on 1 May. The tasks' creation records
    (today) are after every past point.
    20 April: nothing yet → 0. 27 April: 20 % of 30 h = 6 h → 9 000 · 6/121 = 446.28.
    4 May: 60 % of 30 h + 5 % of 31 h = 19.55 h → 9 000 · 19.55/121 = 1 454.13.
    Today: the current values, 2 819.01.
    """
    seven = Task.objects.get(project=uneven, name="Seven days")
    month = Task.objects.get(project=uneven, name="Month's end")
    for percent, at in [
        (10, datetime(2026, 4, 25, 12, tzinfo=UTC)),
        (20, datetime(2026, 4, 27, 12, tzinfo=UTC)),
        (30, datetime(2026, 5, 3, 12, tzinfo=UTC)),
        (60, datetime(2026, 5, 3, 12, tzinfo=UTC)),
        (90, datetime(2026, 5, 5, 12, tzinfo=UTC)),
    ]:
        _recorded(seven, percent, at)
    _recorded(month, 5, datetime(2026, 5, 1, 12, tzinfo=UTC))

    points = earned_value_series(uneven, today=D)

    assert [point.ev for point in points] == [
        Decimal("0.00"),
        Decimal("446.28"),
        Decimal("1454.13"),
        Decimal("2819.01"),
    ]
