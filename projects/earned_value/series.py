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

from projects.earned_value.figures import earned_value_from_sums
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
    date differences and of decimal division differs. The earned hours of a past point use
    each task's percent complete as recorded by its history up to the end of that day in the
    current time zone (the point's `cutoff`); a point on or after today uses the current value.
    """
    if vendor == "postgresql":
        points = "unnest(%(dates)s::date[], %(cutoffs)s::timestamptz[]) AS w(d, cutoff)"
        days = "({later} - {earlier})"
        least, greatest = "LEAST", "GREATEST"
        as_decimal = "({value})::numeric"
        week_before = "w.d - 7"
    else:
        points = (
            "(SELECT json_extract(p.value, '$[0]') AS d, json_extract(p.value, '$[1]') AS cutoff"
            " FROM json_each(%(points)s) AS p) AS w"
        )
        days = "CAST(ROUND(julianday({later}) - julianday({earlier})) AS INTEGER)"
        least, greatest = "MIN", "MAX"
        as_decimal = "(1.0 * ({value}))"
        week_before = "date(w.d, '-7 days')"
    elapsed = days.format(later="w.d", earlier="l.start_date") + " + 1"
    duration = days.format(later="l.due_date", earlier="l.start_date") + " + 1"
    planned = as_decimal.format(value=f"{least}({greatest}({elapsed}, 0), {duration})")
    # Only the fixed fragments above are formatted in; every value is a parameter.
    return f"""
WITH leaf AS (
    SELECT t.id, t.estimate_hours, t.percent_complete, t.due_date,
           COALESCE(t.start_date, t.due_date) AS start_date
    FROM projects_task t
    WHERE t.project_id = %(project)s AND t.estimate_hours > 0
      AND NOT EXISTS (SELECT 1 FROM projects_task c WHERE c.parent_id = t.id)
),
rated AS (
    SELECT e.date, e.hours, e.hours * COALESCE(
        (SELECT r.hourly_rate FROM projects_rate r
          WHERE r.project_id = e.project_id AND r.user_id = e.person_id),
        (SELECT r.hourly_rate FROM projects_rate r
           JOIN projects_membership m ON m.project_id = r.project_id AND m.role = r.role
          WHERE r.project_id = e.project_id AND r.user_id IS NULL AND m.user_id = e.person_id),
        0) AS cost
    FROM projects_timeentry e
    WHERE e.project_id = %(project)s AND e.status = 'approved'
)
SELECT w.d,
    (SELECT COALESCE(SUM(l.estimate_hours * {planned} / ({duration})), 0)
       FROM leaf l WHERE l.due_date IS NOT NULL) AS planned_hours,
    (SELECT COALESCE(SUM(l.estimate_hours * COALESCE(
                CASE WHEN w.d >= %(today)s THEN l.percent_complete END,
                (SELECT h.percent_complete FROM projects_historicaltask h
                  WHERE h.id = l.id AND h.history_date < w.cutoff
                  ORDER BY h.history_date DESC, h.history_id DESC LIMIT 1),
                0)), 0)
       FROM leaf l) AS earned_hours,
    (SELECT COALESCE(SUM(estimate_hours), 0) FROM leaf) AS total_hours,
    (SELECT COALESCE(SUM(r.cost), 0) FROM rated r WHERE r.date <= w.d) AS labour,
    (SELECT COALESCE(SUM(r.hours), 0) FROM rated r
      WHERE r.date <= w.d AND r.date > {week_before}) AS week_hours,
    (SELECT COALESCE(SUM(c.amount), 0) FROM projects_costentry c
      WHERE c.project_id = %(project)s AND c.date <= w.d) AS costs
FROM {points}
ORDER BY w.d
"""  # noqa: S608


def _series_params(project: Project, dates: list[date], today: date) -> dict[str, Any]:
    """The statement's parameters; each point's cutoff is the start of the next day in the
    current time zone, in UTC."""
    zone = timezone.get_current_timezone()
    cutoffs = [
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
        for day in dates
    ]
    if connection.vendor == "postgresql":
        return {"project": project.pk, "today": today, "dates": dates, "cutoffs": cutoffs}
    operations = connection.ops
    points = [
        [operations.adapt_datefield_value(day), operations.adapt_datetimefield_value(cutoff)]
        for day, cutoff in zip(dates, cutoffs, strict=True)
    ]
    return {
        "project": project.pk,
        "today": operations.adapt_datefield_value(today),
        "points": json.dumps(points),
    }


def _decimal(value: Any) -> Decimal:
    """A sum as a Decimal (SQLite returns integers and floats)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def earned_value_series(project: Project, *, today: date | None = None) -> list[SeriesPoint]:
    """PV, EV and AC at every point of `series_dates` (and the approved hours of the 7 days up
    to each point), in one query whatever the number of weeks, tasks and entries."""
    today = today or timezone.localdate()
    dates = series_dates(project, today=today)
    if not dates:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_series_sql(connection.vendor), _series_params(project, dates, today))
        rows = cursor.fetchall()
    points = []
    for day, row in zip(dates, rows, strict=True):  # both in date order
        planned, earned, total, labour, week_hours, costs = map(_decimal, row[1:])
        figures = earned_value_from_sums(
            status_date=day,
            currency=project.currency,
            budget=project.budget,
            total_hours=total,
            planned_hours=planned,
            earned_hours=earned,
            actual_cost=labour + costs,
        )
        points.append(
            SeriesPoint(
                date=day, pv=figures.pv, ev=figures.ev, ac=figures.ac, approved_hours=week_hours
            )
        )
    return points
