"""The weekly earned-value series of a project (PV, EV and AC per week) for its chart, in one
portable SQL query."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from projects.earned_value.figures import ChangePart, EarnedValue, earned_value_from_sums
from projects.models import (
    Project,
)


@dataclass(frozen=True)
class SeriesPoint:
    date: date
    pv: Decimal | None
    ev: Decimal | None
    ac: Decimal
    approved_hours: Decimal


def series_dates(project: Project, *, today: date) -> list[date]:
    """Every 7th day from the project's start up to today or its end, whichever is first,
    and that last day itself."""
    start = project.start_date or project.baseline_start_date
    if start is None or start > today:
        return []
    last = min(today, project.end_date) if project.end_date else today
    if last < start:
        return []
    days = list(range(0, (last - start).days + 1, 7))
    dates = [start + timedelta(days=day) for day in days]
    if dates[-1] != last:
        dates.append(last)
    return dates


def _series_sql(vendor: str) -> str:
    """One statement for all the points of the series, in the database's dialect (PostgreSQL,
    or SQLite for the embedded default): the same query, only the spelling of the points, of
    date differences and of decimal division differs. It gives a row per point and work part:
    the original work (part 0) first, with the point's actual cost and hours, then each budget
    change's added work, oldest first, with its amounts. The earned hours of a past point use
    each task's percent complete as recorded by its history up to the end of that day in the
    current time zone (the point's `cutoff`); a point on or after today uses the current value.
    The sums over the tasks are one grouped join of the points with the tasks and their history,
    not a subquery per point and task.
    """
    if vendor == "postgresql":
        points = (
            "unnest(%(projects)s::bigint[], %(dates)s::date[], %(cutoffs)s::timestamptz[])"
            " WITH ORDINALITY AS w(p, d, cutoff, n)"
        )
        # The projects as an array of their own: PostgreSQL plans for their number, where it
        # guessed thousands from the points and read every task.
        of_projects = "= ANY(%(project_ids)s::bigint[])"
        days = "({later} - {earlier})"
        as_decimal = "({value})::numeric"
        week_before = "w.d - 7"
    else:
        points = (
            "(SELECT json_extract(p.value, '$[0]') AS p, json_extract(p.value, '$[1]') AS d,"
            " json_extract(p.value, '$[2]') AS cutoff, p.key AS n"
            " FROM json_each(%(points)s) AS p) AS w"
        )
        of_projects = f"IN (SELECT DISTINCT w.p FROM {points})"  # noqa: S608  (a fixed fragment)
        days = "CAST(ROUND(julianday({later}) - julianday({earlier})) AS INTEGER)"
        as_decimal = "(1.0 * ({value}))"
        week_before = "date(w.d, '-7 days')"
    elapsed = days.format(later="w.d", earlier="l.start_date") + " + 1"
    duration = days.format(later="l.due_date", earlier="l.start_date") + " + 1"
    # A task's planned hours at a point: none before its start, all of them from its due day
    # on, the elapsed share in between (the only rows that divide).
    planned = (
        f"CASE WHEN l.due_date IS NULL OR {elapsed} <= 0 THEN NULL"
        f" WHEN {elapsed} >= {duration} THEN l.estimate_hours"
        f" ELSE l.estimate_hours * {as_decimal.format(value=elapsed)} / ({duration}) END"
    )
    # Only the fixed fragments above are formatted in; every value is a parameter.
    return f"""
WITH leaf AS (
    SELECT t.id, t.project_id, COALESCE(t.budget_change_id, 0) AS part, t.estimate_hours,
           t.percent_complete, t.due_date, COALESCE(t.start_date, t.due_date) AS start_date
    FROM projects_task t
    WHERE t.project_id {of_projects} AND t.estimate_hours > 0
      AND NOT EXISTS (SELECT 1 FROM projects_task c WHERE c.parent_id = t.id)
),
rated AS (
    SELECT e.project_id, e.date, e.hours, e.hours * COALESCE(
        (SELECT r.hourly_rate FROM projects_rate r
          WHERE r.project_id = e.project_id AND r.user_id = e.person_id),
        (SELECT r.hourly_rate FROM projects_rate r
           JOIN projects_membership m ON m.project_id = r.project_id AND m.role = r.role
          WHERE r.project_id = e.project_id AND r.user_id IS NULL AND m.user_id = e.person_id),
        0) AS cost
    FROM projects_timeentry e
    WHERE e.project_id {of_projects} AND e.status = 'approved'
),
parts AS (
    SELECT w.n, w.p, w.d, w.cutoff, 0 AS part, NULL AS reference, NULL AS scope,
           NULL AS contingency, NULL AS approved_at
    FROM {points}
    UNION ALL
    SELECT w.n, w.p, w.d, w.cutoff, b.id, b.change_reference, b.scope_amount,
           b.contingency_amount, b.created_at
    FROM {points} JOIN projects_budgetchange b ON b.project_id = w.p
),
-- Each leaf task's percent complete as its history recorded it, with the moment the next
-- record replaced it: the record a point sees is the last one before its cutoff.
history AS (
    SELECT h.id, h.percent_complete, h.history_date AS recorded,
           LEAD(h.history_date) OVER (
               PARTITION BY h.id ORDER BY h.history_date, h.history_id) AS replaced
    FROM projects_historicaltask h
    WHERE h.id IN (SELECT l.id FROM leaf l)
),
-- Every point's sums over its project's leaf tasks by work part, in one pass.
sums AS (
    SELECT w.n, l.part,
        COALESCE(SUM({planned}), 0) AS planned_hours,
        COALESCE(SUM(l.estimate_hours * COALESCE(
                     CASE WHEN w.d >= %(today)s THEN l.percent_complete END,
                     h.percent_complete, 0)), 0) AS earned_hours,
        COALESCE(SUM(l.estimate_hours), 0) AS total_hours
    FROM {points}
    JOIN leaf l ON l.project_id = w.p
    LEFT JOIN history h ON h.id = l.id AND h.recorded < w.cutoff
         AND (h.replaced IS NULL OR h.replaced >= w.cutoff)
    GROUP BY w.n, l.part
)
SELECT w.n, w.part, w.reference, w.scope, w.contingency,
    COALESCE(s.planned_hours, 0) AS planned_hours,
    COALESCE(s.earned_hours, 0) AS earned_hours,
    COALESCE(s.total_hours, 0) AS total_hours,
    CASE WHEN w.part = 0 THEN
        (SELECT COALESCE(SUM(r.cost), 0) FROM rated r WHERE r.project_id = w.p AND r.date <= w.d)
    ELSE 0 END AS labour,
    CASE WHEN w.part = 0 THEN
        (SELECT COALESCE(SUM(r.hours), 0) FROM rated r
          WHERE r.project_id = w.p AND r.date <= w.d AND r.date > {week_before})
    ELSE 0 END AS week_hours,
    CASE WHEN w.part = 0 THEN
        (SELECT COALESCE(SUM(c.amount), 0) FROM projects_costentry c
          WHERE c.project_id = w.p AND c.date <= w.d)
    ELSE 0 END AS costs
FROM parts w LEFT JOIN sums s ON s.n = w.n AND s.part = w.part
ORDER BY w.n, CASE WHEN w.part = 0 THEN 0 ELSE 1 END, w.approved_at, w.part
"""  # noqa: S608


def _series_params(points: list[tuple[int, date]], today: date) -> dict[str, Any]:
    """The statement's parameters; each point's cutoff is the start of the next day in the
    current time zone, in UTC."""
    zone = timezone.get_current_timezone()
    projects = [project_id for project_id, _ in points]
    dates = [day for _, day in points]
    cutoffs = [
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
        for day in dates
    ]
    if connection.vendor == "postgresql":
        return {
            "projects": projects,
            "project_ids": sorted(set(projects)),
            "today": today,
            "dates": dates,
            "cutoffs": cutoffs,
        }
    operations = connection.ops
    rows = [
        [
            project_id,
            operations.adapt_datefield_value(day),
            operations.adapt_datetimefield_value(cutoff),
        ]
        for project_id, day, cutoff in zip(projects, dates, cutoffs, strict=True)
    ]
    return {"today": operations.adapt_datefield_value(today), "points": json.dumps(rows)}


def _decimal(value: Any) -> Decimal:
    """A sum as a Decimal (SQLite returns integers and floats)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class PointFigures:
    """A project's earned value at a date, and the approved hours of the 7 days up to it."""

    figures: EarnedValue
    week_hours: Decimal


def earned_value_points(
    points: list[tuple[Project, date]], *, today: date | None = None
) -> list[PointFigures]:
    """The earned value of each (project, status date) point, in the points' order, in one
    query whatever the number of points, projects, tasks, budget changes and entries. A past
    point uses each task's percent complete as its history recorded it at the end of that day,
    and, like the budget, the budget changes as they are now (the work a change added earns
    nothing before its tasks were done)."""
    if not points:
        return []
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            _series_sql(connection.vendor),
            _series_params([(project.pk, day) for project, day in points], today),
        )
        rows = cursor.fetchall()
    by_point: dict[Any, list[Any]] = {}
    for row in rows:  # ordered by point, the original work first
        by_point.setdefault(row[0], []).append(row)
    result = []
    for (project, day), (original, *changes) in zip(points, by_point.values(), strict=True):
        planned, earned, total, labour, week_hours, costs = map(_decimal, original[5:])
        figures = earned_value_from_sums(
            status_date=day,
            currency=project.currency,
            budget=project.budget,
            total_hours=total,
            planned_hours=planned,
            earned_hours=earned,
            actual_cost=labour + costs,
            changes=[
                ChangePart(
                    change_reference=row[2],
                    scope_amount=_decimal(row[3]),
                    contingency_amount=_decimal(row[4]),
                    total_hours=_decimal(row[7]),
                    planned_hours=_decimal(row[5]),
                    earned_hours=_decimal(row[6]),
                )
                for row in changes
            ],
        )
        result.append(PointFigures(figures=figures, week_hours=week_hours))
    return result


def earned_value_series(project: Project, *, today: date | None = None) -> list[SeriesPoint]:
    """PV, EV and AC at every point of `series_dates` (and the approved hours of the 7 days up
    to each point), in one query whatever the number of weeks, tasks and entries."""
    today = today or timezone.localdate()
    dates = series_dates(project, today=today)
    points = earned_value_points([(project, day) for day in dates], today=today)
    return _series_points(dates, points)


def earned_value_today_and_series(
    project: Project, *, today: date | None = None
) -> tuple[EarnedValue, list[SeriesPoint]]:
    """The project's figures today (project_earned_value's) and its series, in one query: today
    is the series' last point, or a point of its own after the series has ended."""
    today = today or timezone.localdate()
    dates = series_dates(project, today=today)
    asked = dates if dates and dates[-1] == today else [*dates, today]
    points = earned_value_points([(project, day) for day in asked], today=today)
    return points[-1].figures, _series_points(dates, points[: len(dates)])


def _series_points(dates: list[date], points: list[PointFigures]) -> list[SeriesPoint]:
    return [
        SeriesPoint(
            date=day,
            pv=point.figures.pv,
            ev=point.figures.ev,
            ac=point.figures.ac,
            approved_hours=point.week_hours,
        )
        for day, point in zip(dates, points, strict=True)
    ]
