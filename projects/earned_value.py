"""Earned value: how a project stands on schedule and cost, in money, at a status date.

All the sums are computed by the database (annotations and aggregates), never by looping over
tasks or entries in Python; only the final ratios of a handful of totals are taken in Python.
The SQL is portable: PostgreSQL and the embedded SQLite default give the same figures for the
same data (date differences and decimal division are spelled per database: `DaysBetween`,
`Quotient`, `_series_sql`).

For a project and a status date D:

- **BAC** (budget at completion) is the project's budget.
- **Planned %** at D: each *leaf* task (a task without subtasks, so that a parent's estimate
  is not counted twice) with an estimate and a due date is planned to progress linearly from its
  start to its due date, both days included:

      planned hours(t, D) = estimate(t) * clamp((D - start + 1) / (due - start + 1), 0, 1)

  (a task without a start starts on its due date). Planned % = Σ planned hours / Σ estimate
  over all leaf tasks with an estimate (a task with an estimate but no due date counts in the
  total but is never planned, so it pulls PV down until it is scheduled).
- **PV** = BAC * planned %.
- **Earned %** = Σ estimate * percent complete / (100 * Σ estimate) over the same tasks. It is
  task-based only: deliverables and their acceptance do not count on their own (a milestone's
  work is earned through its tasks; a task marked done is 100 %).
- **AC** = approved labour cost dated up to D (approved hours * the applicable hourly rate: the
  person's own rate on the project, else the rate of their role on the project, else 0) + the
  cost entries dated up to D (all categories, internal and shared alike).
- **SV** = EV - PV, **CV** = EV - AC, **SPI** = EV / PV, **CPI** = EV / AC,
  **EAC** = BAC / CPI (= BAC * AC / EV). A ratio is None when its divisor is 0 or the budget is
  not set.

Money is rounded to cents and indices to two decimals (ROUND_HALF_UP), each from the unrounded
sums, so SPI is EV/PV of the unrounded values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.health import Audience, HealthFinding
from projects.models import (
    BudgetVisibility,
    CostEntry,
    HealthStatus,
    Membership,
    Project,
    Rate,
    Task,
    TimeEntry,
)

CENT = Decimal("0.01")
NUMBER = DecimalField(max_digits=30, decimal_places=10)
ZERO = Value(Decimal(0), output_field=NUMBER)
FIGURES = ("ev_total_hours", "ev_planned_hours", "ev_earned_hours", "ev_labour", "ev_costs")


class DaysBetween(Func):
    """later - earlier in whole days: PostgreSQL's date - date is an integer; SQLite keeps dates
    as text, so it subtracts their Julian day numbers."""

    arity = 2
    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        (later, later_params), (earlier, earlier_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = f"CAST(ROUND(julianday({later}) - julianday({earlier})) AS INTEGER)"
        return sql, (*later_params, *earlier_params)


class Quotient(Func):
    """dividend / divisor as a decimal, never an integer division. PostgreSQL divides numerics;
    SQLite would divide two integers as integers, so it multiplies the dividend by 1.0 first
    (its decimals are REAL anyway)."""

    arity = 2
    template = "(%(expressions)s)"
    arg_joiner = " / "

    def __init__(self, dividend: Any, divisor: Any) -> None:
        super().__init__(Cast(dividend, NUMBER), Cast(divisor, NUMBER), output_field=NUMBER)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, template="(1.0 * %(expressions)s)")


def _leaf_tasks() -> QuerySet[Task]:
    """The estimated leaf tasks of the outer project."""
    return Task.objects.filter(project=OuterRef("pk"), estimate_hours__gt=0).filter(
        ~Exists(Task.objects.filter(parent=OuterRef("pk")))
    )


def _total(queryset: QuerySet, expression: Any) -> Coalesce:
    summed = queryset.order_by().values("project").annotate(total=Sum(expression)).values("total")
    return Coalesce(Subquery(summed, output_field=NUMBER), ZERO)


def planned_fraction(status_date: date) -> Quotient:
    """clamp((D - start + 1) / (due - start + 1), 0, 1) of a task (start defaults to due)."""
    start = Coalesce(F("start_date"), F("due_date"))
    day = Cast(Value(status_date), DateField())
    elapsed = DaysBetween(day, start) + 1
    duration = DaysBetween(F("due_date"), start) + 1
    return Quotient(Least(Greatest(elapsed, Value(0)), duration), duration)


def hourly_rate_of_entry() -> Coalesce:
    """The rate of a time entry's person on its project: their own, else their role's, else 0."""
    own = Rate.objects.filter(project=OuterRef("project_id"), user=OuterRef("person_id")).values(
        "hourly_rate"
    )[:1]
    role = Membership.objects.filter(
        project=OuterRef(OuterRef("project_id")), user=OuterRef(OuterRef("person_id"))
    ).values("role")[:1]
    by_role = Rate.objects.filter(
        project=OuterRef("project_id"), user__isnull=True, role=Subquery(role)
    ).values("hourly_rate")[:1]
    return Coalesce(
        Subquery(own, output_field=NUMBER), Subquery(by_role, output_field=NUMBER), ZERO
    )


def annotate_earned_value(projects: QuerySet[Project], *, status_date: date) -> QuerySet[Project]:
    """Add the sums earned value needs to each project (one query for any number of them)."""
    planned_tasks = _leaf_tasks().filter(due_date__isnull=False)
    approved = TimeEntry.objects.filter(
        project=OuterRef("pk"), status=TimeEntry.Status.APPROVED, date__lte=status_date
    ).annotate(cost=ExpressionWrapper(F("hours") * hourly_rate_of_entry(), output_field=NUMBER))
    return projects.annotate(
        ev_total_hours=_total(_leaf_tasks(), "estimate_hours"),
        ev_planned_hours=_total(
            planned_tasks.annotate(
                planned=ExpressionWrapper(
                    F("estimate_hours") * planned_fraction(status_date), output_field=NUMBER
                )
            ),
            "planned",
        ),
        ev_earned_hours=_total(
            _leaf_tasks(),
            ExpressionWrapper(F("estimate_hours") * F("percent_complete"), output_field=NUMBER),
        ),
        ev_labour=_total(approved, "cost"),
        ev_costs=_total(
            CostEntry.objects.filter(project=OuterRef("pk"), date__lte=status_date), "amount"
        ),
    )


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def _ratio(top: Decimal | None, bottom: Decimal | None) -> Decimal | None:
    if top is None or not bottom:
        return None
    return (top / bottom).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class EarnedValue:
    status_date: date
    currency: str
    bac: Decimal | None
    planned_percent: Decimal | None
    earned_percent: Decimal | None
    pv: Decimal | None
    ev: Decimal | None
    ac: Decimal
    sv: Decimal | None
    cv: Decimal | None
    spi: Decimal | None
    cpi: Decimal | None
    eac: Decimal | None

    @property
    def has_indices(self) -> bool:
        return self.spi is not None or self.cpi is not None


def earned_value_from_sums(
    *,
    status_date: date,
    currency: str,
    budget: Decimal | None,
    total_hours: Decimal,
    planned_hours: Decimal,
    earned_hours: Decimal,
    actual_cost: Decimal,
) -> EarnedValue:
    """The figures from the sums (see the module's docstring), rounded at the end."""
    planned = planned_hours / total_hours if total_hours else None
    earned = earned_hours / 100 / total_hours if total_hours else None
    pv = budget * planned if budget is not None and planned is not None else None
    ev = budget * earned if budget is not None and earned is not None else None
    return EarnedValue(
        status_date=status_date,
        currency=currency,
        bac=budget,
        planned_percent=None if planned is None else (planned * 100).quantize(CENT, ROUND_HALF_UP),
        earned_percent=None if earned is None else (earned * 100).quantize(CENT, ROUND_HALF_UP),
        pv=_money(pv),
        ev=_money(ev),
        ac=_money(actual_cost) or Decimal("0.00"),
        sv=_money(ev - pv) if ev is not None and pv is not None else None,
        cv=_money(ev - actual_cost) if ev is not None else None,
        spi=_ratio(ev, pv),
        cpi=_ratio(ev, actual_cost),
        eac=_money(budget * actual_cost / ev) if budget is not None and ev else None,
    )


def earned_value_of(project: Project, *, status_date: date) -> EarnedValue:
    """The figures of a project annotated by `annotate_earned_value` (no query)."""
    values = {name: getattr(project, name) for name in FIGURES}
    return earned_value_from_sums(
        status_date=status_date,
        currency=project.currency,
        budget=project.budget,
        total_hours=values["ev_total_hours"],
        planned_hours=values["ev_planned_hours"],
        earned_hours=values["ev_earned_hours"],
        actual_cost=values["ev_labour"] + values["ev_costs"],
    )


def project_earned_value(project: Project, *, status_date: date | None = None) -> EarnedValue:
    """A project's earned value at the status date (today by default): one query."""
    status_date = status_date or timezone.localdate()
    row = annotate_earned_value(Project.objects.filter(pk=project.pk), status_date=status_date)
    return earned_value_of(row.get(), status_date=status_date)


def earned_value_many(projects: Iterable[Project], *, status_date: date) -> dict[int, EarnedValue]:
    """The figures of many projects, by id: annotated ones cost nothing, the others one query."""
    projects = list(projects)
    if not projects:
        return {}
    missing = [p.pk for p in projects if not hasattr(p, "ev_total_hours")]
    loaded = (
        {
            row.pk: row
            for row in annotate_earned_value(
                Project.objects.filter(pk__in=missing), status_date=status_date
            )
        }
        if missing
        else {}
    )
    return {
        project.pk: earned_value_of(loaded.get(project.pk, project), status_date=status_date)
        for project in projects
    }


# --- The weekly series ------------------------------------------------------------------------


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


# --- The health signal ------------------------------------------------------------------------

INDEX_AMBER = Decimal("0.9")
INDEX_RED = Decimal("0.8")


def _index_finding(name: str, value: Decimal | None, audience: str) -> HealthFinding | None:
    if value is None or value >= INDEX_AMBER:
        return None
    status = HealthStatus.RED if value < INDEX_RED else HealthStatus.AMBER
    if name == "spi":
        reason = _("Schedule performance index %(value)s: less work done than planned.")
    else:
        reason = _("Cost performance index %(value)s: the work done cost more than it earned.")
    return HealthFinding(status, reason % {"value": value}, audience)


def earned_value_health(projects: Sequence[Project], *, today: date) -> dict[int, list]:
    """Health signal: SPI or CPI under 0.9 is amber, under 0.8 red. The finding is internal
    unless the client sees the budget (budget_visibility totals or detail). Annotated projects
    (the portfolio, the overview) cost no query, the others one for all; projects without a
    budget have no index and cost nothing."""
    findings: dict[int, list] = {}
    budgeted = [project for project in projects if project.budget is not None]
    by_project = {project.pk: project for project in budgeted}
    for project_id, figures in earned_value_many(budgeted, status_date=today).items():
        shared = by_project[project_id].budget_visibility != BudgetVisibility.NOTHING
        audience = Audience.EVERYONE if shared else Audience.STAFF
        found = [
            finding
            for finding in (
                _index_finding("spi", figures.spi, audience),
                _index_finding("cpi", figures.cpi, audience),
            )
            if finding is not None
        ]
        if found:
            findings[project_id] = found
    return findings
