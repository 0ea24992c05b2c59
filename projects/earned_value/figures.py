"""The earned-value figures of a project at a status date: the database sums (annotations that a
portfolio query can share) and the EarnedValue they give (see the package's docstring)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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

from projects.models import (
    CostEntry,
    Membership,
    Project,
    Rate,
    Task,
    TimeEntry,
)

CENT = Decimal("0.01")


NUMBER: DecimalField[Decimal, Decimal] = DecimalField(max_digits=30, decimal_places=10)


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
