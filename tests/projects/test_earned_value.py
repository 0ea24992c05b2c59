"""Earned value (projects.earned_value): a worked example computed by hand, the undefined
ratios, the weekly series and constant query counts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.earned_value.figures import earned_value_many, project_earned_value
from projects.earned_value.series import earned_value_series, series_dates
from projects.models import CostEntry, Role, Task
from projects.services.costs import (
    cost_entry_add,
    rate_set,
    time_entry_log,
    time_period_approve,
)
from projects.services.tasks import task_update
from tests.factories import ProjectFactory

D = date(2026, 3, 10)


def task(project, name, estimate, start, due, percent, parent=None):
    return Task.objects.create(
        project=project,
        name=name,
        estimate_hours=None if estimate is None else Decimal(estimate),
        start_date=start,
        due_date=due,
        percent_complete=percent,
        parent=parent,
    )


@pytest.fixture
def worked(cast):
    """Budget 10 000; status date 10 March 2026.

    Leaf tasks (the parent's own estimate of 100 h is not counted twice; a task without an
    estimate counts for nothing):
      A 40 h, 1-10 March, 100 %: planned 10/10 → 40 h; earned 40 h
      B 40 h, 6-15 March, 25 %:  planned  5/10 → 20 h; earned 10 h
      C 20 h, 20-29 March, 0 %:  planned  0    →  0 h; earned  0 h
    Planned 60/100 = 60 % → PV 6 000; earned 50/100 = 50 % → EV 5 000.
    Rates: team member 50, PM 80, the teammate's own 60 (wins over the role's).
    Approved: teammate 10 h on 5 March (600), PM 5 h on 9 March (400); not counted: the
    teammate's 8 h still submitted, 4 h approved on 11 March (after the status date).
    Costs: 500 on 2 March; 1 000 on 12 March is after the status date. AC = 1 500.
    SV = -1 000, CV = 3 500, SPI = 5 000/6 000 = 0.83, CPI = 5 000/1 500 = 3.33,
    EAC = 10 000 / (5 000/1 500) = 3 000.
    """
    project = cast.project
    project.budget = Decimal("10000.00")
    project.start_date = date(2026, 3, 1)
    project.end_date = date(2026, 3, 31)
    project.save()
    parent = task(project, "Phase", 100, date(2026, 3, 1), date(2026, 3, 29), 0)
    task(project, "A", 40, date(2026, 3, 1), date(2026, 3, 10), 100, parent)
    task(project, "B", 40, date(2026, 3, 6), date(2026, 3, 15), 25, parent)
    task(project, "C", 20, date(2026, 3, 20), date(2026, 3, 29), 0)
    task(project, "Unestimated", None, date(2026, 3, 1), date(2026, 3, 2), 50)
    rate_set(actor=cast.pm, project=project, role=Role.TEAM_MEMBER, hourly_rate=Decimal(50))
    rate_set(actor=cast.pm, project=project, role=Role.PM, hourly_rate=Decimal(80))
    rate_set(actor=cast.pm, project=project, user=cast.teammate, hourly_rate=Decimal(60))
    time_entry_log(actor=cast.teammate, project=project, date=date(2026, 3, 5), hours=10)
    time_entry_log(actor=cast.pm, project=project, date=date(2026, 3, 9), hours=5)
    time_entry_log(actor=cast.pm, project=project, date=date(2026, 3, 11), hours=4)
    time_period_approve(actor=cast.pm, project=project, start=date(2026, 3, 1), end=D)
    time_period_approve(
        actor=cast.pm, project=project, start=date(2026, 3, 11), end=date(2026, 3, 11)
    )
    time_entry_log(actor=cast.teammate, project=project, date=date(2026, 3, 6), hours=8)
    cost_entry_add(
        actor=cast.pm,
        project=project,
        date=date(2026, 3, 2),
        amount=Decimal(500),
        category=CostEntry.Category.MATERIALS,
    )
    cost_entry_add(actor=cast.pm, project=project, date=date(2026, 3, 12), amount=Decimal(1000))
    return project


def test_worked_example_matches_the_hand_computation(worked, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = project_earned_value(worked, status_date=D)
    assert figures.bac == Decimal("10000.00")
    assert figures.planned_percent == Decimal("60.00")
    assert figures.earned_percent == Decimal("50.00")
    assert figures.pv == Decimal("6000.00")
    assert figures.ev == Decimal("5000.00")
    assert figures.ac == Decimal("1500.00")
    assert figures.sv == Decimal("-1000.00")
    assert figures.cv == Decimal("3500.00")
    assert figures.spi == Decimal("0.83")
    assert figures.cpi == Decimal("3.33")
    assert figures.eac == Decimal("3000.00")


def test_a_persons_rate_wins_over_their_roles(worked):
    # Without the teammate's own rate, their 10 h cost 10 * 50 instead of 10 * 60.
    worked.rates.filter(user=worked.memberships.get(role=Role.TEAM_MEMBER).user).delete()
    assert project_earned_value(worked, status_date=D).ac == Decimal("1400.00")


def test_ratios_are_none_when_undefined(cast):
    figures = project_earned_value(cast.project, status_date=D)
    assert (figures.bac, figures.pv, figures.ev, figures.ac) == (None, None, None, Decimal("0"))
    assert (figures.spi, figures.cpi, figures.eac, figures.sv, figures.cv) == (None,) * 5
    cast.project.budget = Decimal(1000)
    cast.project.save()
    task(cast.project, "Later", 10, date(2026, 4, 1), date(2026, 4, 10), 0)
    figures = project_earned_value(cast.project, status_date=D)
    assert (figures.pv, figures.ev) == (Decimal("0.00"), Decimal("0.00"))
    assert (figures.spi, figures.cpi, figures.eac) == (None, None, None)


def test_many_projects_in_one_query(worked, cast, django_assert_num_queries):
    others = [ProjectFactory(budget=Decimal(100)) for _ in range(5)]
    with django_assert_num_queries(1):
        figures = earned_value_many([worked, *others], status_date=D)
    assert figures[worked.pk].spi == Decimal("0.83")
    assert figures[others[0].pk].ac == Decimal("0.00")


def test_weekly_series_in_one_query_whatever_its_length(worked, django_assert_num_queries):
    today = date(2026, 3, 12)
    assert series_dates(worked, today=today) == [
        date(2026, 3, 1),
        date(2026, 3, 8),
        date(2026, 3, 12),
    ]
    with django_assert_num_queries(1):
        points = earned_value_series(worked, today=today)
    # 12 March: A planned 40, B 7/10 * 40 = 28 → 68 % → PV 6 800; EV as today: 5 000;
    # AC: 600 + 400 + 4 * 80 (approved, 11 March) + 500 + 1 000 = 2 820.
    last = points[-1]
    assert (last.pv, last.ev, last.ac) == (
        Decimal("6800.00"),
        Decimal("5000.00"),
        Decimal("2820.00"),
    )
    # 8 March: A 8/10 * 40 = 32, B 3/10 * 40 = 12 → PV 4 400; AC 600 + 500.
    assert (points[1].pv, points[1].ac) == (Decimal("4400.00"), Decimal("1100.00"))
    assert points[1].approved_hours == Decimal(10)
    worked.end_date = date(2026, 12, 31)
    worked.save()
    with django_assert_num_queries(1):
        long_series = earned_value_series(worked, today=date(2026, 12, 31))
    assert len(long_series) == 45  # 44 weeks from 1 March, and 31 December


def test_series_is_empty_before_the_project_starts(worked):
    assert earned_value_series(worked, today=date(2026, 2, 1)) == []


def test_past_points_earn_by_the_tasks_history(cast):
    today = timezone.localdate()
    project = cast.project
    project.budget = Decimal(1000)
    project.start_date = today - timedelta(days=14)
    project.save()
    work = task(project, "Work", 10, project.start_date, today, 0)
    task_update(actor=cast.pm, task=work, changes={"percent_complete": 40})
    points = earned_value_series(project, today=today)
    # Recorded today: every past point up to yesterday saw 0 %, the last one sees 40 %.
    assert points[0].ev == Decimal("0.00")
    assert points[-1].ev == Decimal("400.00")
