"""The earned-value figures of a project at a status date: the database sums (annotations that a
portfolio query can share), the work parts of its budget changes (one more query for all the
projects that have any) and the EarnedValue they give (see the package's docstring)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least
from django.utils import timezone

from projects.models import (
    BudgetChange,
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


# The annotations of `annotate_earned_value`: ev_hours holds the hours of the original work (the
# tasks no budget change added: total, planned and earned); ev_change_count says whether to read
# the budget changes.
FIGURES = (
    "ev_hours",
    "ev_labour",
    "ev_costs",
    "ev_change_count",
)


# Where `load_budget_changes` puts a project's ChangeParts.
CHANGE_PARTS = "ev_change_parts"


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


def _leaf_tasks(**outer: OuterRef) -> QuerySet[Task]:
    """The estimated leaf tasks of the outer project (or of the fields given, `outer`)."""
    return Task.objects.filter(
        **(outer or {"project": OuterRef("pk")}), estimate_hours__gt=0
    ).filter(~Exists(Task.objects.filter(parent=OuterRef("pk"))))


def _original_tasks() -> QuerySet[Task]:
    """The estimated leaf tasks of the outer project's original work (no budget change added
    them)."""
    return _leaf_tasks().filter(budget_change__isnull=True)


class HourSums(Field):
    """The three sums of `_hour_sums` as decimals (zeros where there is no row): read from the
    text they are written in, as a decimal column is read (SQLite's values are floats, taken to
    15 significant digits and 10 places, as Django takes a decimal column's)."""

    def from_db_value(
        self, value: str | None, expression: Any, connection: Any
    ) -> tuple[Decimal, ...]:
        if value is None:
            return (Decimal(0),) * 3
        if connection.vendor == "sqlite":
            context = Context(prec=15)
            return tuple(
                context.create_decimal(part).quantize(TEN_PLACES, context=Context(prec=30))
                for part in value.split(" ")
            )
        return tuple(Decimal(part) for part in value.split(" "))


TEN_PLACES = Decimal("1e-10")


class _Joined(Func):
    """Its expressions' values, NULL as 0, as one text separated by spaces: several sums a
    subquery makes in one pass over its rows, where a subquery gives one value."""

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> Any:
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(f"CAST(COALESCE({sql}, 0) AS TEXT)")
            params.extend(expression_params)
        return "(" + " || ' ' || ".join(parts) + ")", params


def _hour_sums(status_date: date) -> Subquery:
    """The total, planned and earned hours (times 100) of the outer project's original work, in
    one pass over its estimated leaf tasks (three subqueries read them three times)."""
    summed = (
        _original_tasks()
        .order_by()
        .values("project")
        .annotate(
            sums=_Joined(
                Sum("estimate_hours"),
                Sum(_planned_hours(status_date), filter=Q(due_date__isnull=False)),
                Sum(_earned_hours()),
                output_field=HourSums(),
            )
        )
        .values("sums")
    )
    return Subquery(summed, output_field=HourSums())


def _total(queryset: QuerySet, expression: Any, group: str = "project") -> Coalesce:
    summed = queryset.order_by().values(group).annotate(total=Sum(expression)).values("total")
    return Coalesce(Subquery(summed, output_field=NUMBER), ZERO)


def _planned_hours(status_date: date) -> ExpressionWrapper:
    return ExpressionWrapper(
        F("estimate_hours") * planned_fraction(status_date), output_field=NUMBER
    )


def _earned_hours() -> ExpressionWrapper:
    """estimate * percent complete (hours times 100)."""
    return ExpressionWrapper(F("estimate_hours") * F("percent_complete"), output_field=NUMBER)


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
    """Add the sums earned value needs to each project (one query for any number of them): the
    hours of its original work, its actual cost and its number of budget changes. The work of
    each budget change is read by `load_budget_changes`, for the projects that have any."""
    approved = TimeEntry.objects.filter(
        project=OuterRef("pk"), status=TimeEntry.Status.APPROVED, date__lte=status_date
    ).annotate(cost=ExpressionWrapper(F("hours") * hourly_rate_of_entry(), output_field=NUMBER))
    changes = BudgetChange.objects.filter(project=OuterRef("pk")).order_by().values("project")
    return projects.annotate(
        # The day the sums were read for: another day's figures read them again.
        ev_status_date=Value(status_date, output_field=DateField()),
        ev_hours=_hour_sums(status_date),
        ev_labour=_total(approved, "cost"),
        ev_costs=_total(
            CostEntry.objects.filter(project=OuterRef("pk"), date__lte=status_date), "amount"
        ),
        ev_change_count=Coalesce(
            Subquery(
                changes.annotate(count=Count("pk")).values("count"), output_field=IntegerField()
            ),
            Value(0),
        ),
    )


@dataclass(frozen=True)
class ChangePart:
    """The work a budget change added: its scope amount, and the hours of its estimated leaf
    tasks (total, planned at the status date, earned times 100)."""

    change_reference: str
    scope_amount: Decimal
    contingency_amount: Decimal
    total_hours: Decimal
    planned_hours: Decimal
    earned_hours: Decimal


def _change_parts_of(project_ids: list[int], *, status_date: date) -> dict[int, list[ChangePart]]:
    """The ChangeParts of the projects, by project id, oldest change first: one query."""
    # Within the project too: tasks are indexed by project, not by budget change.
    tasks = _leaf_tasks(project=OuterRef("project_id"), budget_change=OuterRef("pk"))
    rows = (
        BudgetChange.objects.filter(project_id__in=project_ids)
        .annotate(
            part_total_hours=_total(tasks, "estimate_hours", "budget_change"),
            part_planned_hours=_total(
                tasks.filter(due_date__isnull=False).annotate(planned=_planned_hours(status_date)),
                "planned",
                "budget_change",
            ),
            part_earned_hours=_total(tasks, _earned_hours(), "budget_change"),
        )
        .order_by("project_id", "created_at", "pk")
    )
    parts: dict[int, list[ChangePart]] = {project_id: [] for project_id in project_ids}
    for row in rows:
        parts[row.project_id].append(
            ChangePart(
                change_reference=row.change_reference,
                scope_amount=row.scope_amount,
                contingency_amount=row.contingency_amount,
                total_hours=row.part_total_hours,
                planned_hours=row.part_planned_hours,
                earned_hours=row.part_earned_hours,
            )
        )
    return parts


def load_budget_changes(projects: Iterable[Project], *, status_date: date) -> None:
    """Read the work of the budget changes of annotated projects (`annotate_earned_value`, at
    the same status date) into them: one query for all the projects that have budget changes
    and were not read yet, none if no project has any."""
    wanted = [
        project
        for project in projects
        if project.ev_change_count and not hasattr(project, CHANGE_PARTS)  # type: ignore[attr-defined]
    ]
    if not wanted:
        return
    parts = _change_parts_of([project.pk for project in wanted], status_date=status_date)
    for project in wanted:
        setattr(project, CHANGE_PARTS, tuple(parts[project.pk]))


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
    etc: Decimal | None = None
    vac: Decimal | None = None
    tcpi: Decimal | None = None
    # The split of the budget: BAC = original budget + added scope; the contingency is budget
    # outside BAC. budget_change_count is the number of budget changes (0: no split to show).
    original_budget: Decimal | None = None
    added_scope: Decimal = Decimal("0.00")
    contingency: Decimal = Decimal("0.00")
    budget_change_count: int = 0
    # The references of the changes whose added scope has no estimated task yet (a list, as
    # the figures are compared with their JSON form).
    unplanned_changes: list[str] = field(default_factory=list)

    @property
    def has_indices(self) -> bool:
        return self.spi is not None or self.cpi is not None


@dataclass(frozen=True)
class _Part:
    """A budget and the hours of the work it pays for."""

    budget: Decimal
    total_hours: Decimal
    planned_hours: Decimal
    earned_hours: Decimal


def _spread(parts: list[_Part], share: Callable[[_Part], Decimal]) -> Decimal | None:
    """Σ budget * share over the parts that have estimated work; None if none has. With the
    original work alone it is budget * share, the same operations as before a budget change
    existed (so the same figures to the last digit)."""
    spread = [part.budget * share(part) for part in parts if part.total_hours]
    return sum(spread[1:], spread[0]) if spread else None


def _planned_share(part: _Part) -> Decimal:
    return part.planned_hours / part.total_hours


def _earned_share(part: _Part) -> Decimal:
    return part.earned_hours / 100 / part.total_hours


def earned_value_from_sums(
    *,
    status_date: date,
    currency: str,
    budget: Decimal | None,
    total_hours: Decimal,
    planned_hours: Decimal,
    earned_hours: Decimal,
    actual_cost: Decimal,
    changes: Sequence[ChangePart] = (),
) -> EarnedValue:
    """The figures from the sums (see the package's docstring), rounded at the end. `budget` is
    the project's current budget (changes included); the hours are those of the original work,
    `changes` the work each budget change added."""
    added_scope = sum((change.scope_amount for change in changes), Decimal("0.00"))
    contingency = sum((change.contingency_amount for change in changes), Decimal("0.00"))
    original_budget = (
        None if budget is None else budget - added_scope - contingency if changes else budget
    )
    bac = None if original_budget is None else original_budget + added_scope if changes else budget
    all_total = sum((change.total_hours for change in changes), total_hours)
    pv = ev = None
    if original_budget is not None:
        parts = [
            _Part(original_budget, total_hours, planned_hours, earned_hours),
            *(
                _Part(
                    change.scope_amount,
                    change.total_hours,
                    change.planned_hours,
                    change.earned_hours,
                )
                for change in changes
            ),
        ]
        pv = _spread(parts, _planned_share)
        ev = _spread(parts, _earned_share)
    if changes and bac:
        # The share of BAC planned and earned.
        planned = None if pv is None else pv / bac
        earned = None if ev is None else ev / bac
    else:
        all_planned = sum((change.planned_hours for change in changes), planned_hours)
        all_earned = sum((change.earned_hours for change in changes), earned_hours)
        planned = all_planned / all_total if all_total else None
        earned = all_earned / 100 / all_total if all_total else None
    eac = bac * actual_cost / ev if bac is not None and ev else None
    return EarnedValue(
        status_date=status_date,
        currency=currency,
        bac=bac,
        planned_percent=None if planned is None else (planned * 100).quantize(CENT, ROUND_HALF_UP),
        earned_percent=None if earned is None else (earned * 100).quantize(CENT, ROUND_HALF_UP),
        pv=_money(pv),
        ev=_money(ev),
        ac=_money(actual_cost) or Decimal("0.00"),
        sv=_money(ev - pv) if ev is not None and pv is not None else None,
        cv=_money(ev - actual_cost) if ev is not None else None,
        spi=_ratio(ev, pv),
        cpi=_ratio(ev, actual_cost),
        eac=_money(eac),
        etc=_money(eac - actual_cost) if eac is not None else None,
        vac=_money(bac - eac) if bac is not None and eac is not None else None,
        tcpi=_ratio(bac - ev, bac - actual_cost) if bac is not None and ev is not None else None,
        original_budget=_money(original_budget),
        added_scope=_money(added_scope) or Decimal("0.00"),
        contingency=_money(contingency) or Decimal("0.00"),
        budget_change_count=len(changes),
        unplanned_changes=[
            change.change_reference
            for change in changes
            if change.scope_amount and not change.total_hours
        ],
    )


def earned_value_of(project: Project, *, status_date: date) -> EarnedValue:
    """The figures of a project annotated by `annotate_earned_value`: no query, unless it has
    budget changes not read by `load_budget_changes` (then one, for it alone: callers with many
    projects read them all at once first)."""
    values = {name: getattr(project, name) for name in FIGURES}
    total_hours, planned_hours, earned_hours = values["ev_hours"]
    load_budget_changes([project], status_date=status_date)
    return earned_value_from_sums(
        status_date=status_date,
        currency=project.currency,
        budget=project.budget,
        total_hours=total_hours,
        planned_hours=planned_hours,
        earned_hours=earned_hours,
        actual_cost=values["ev_labour"] + values["ev_costs"],
        changes=getattr(project, CHANGE_PARTS, ()),
    )


def project_earned_value(project: Project, *, status_date: date | None = None) -> EarnedValue:
    """A project's earned value at the status date (today by default): one query, two if it
    has budget changes; none for a project read with its sums for that day
    (`annotate_earned_value`, the portfolio's figures)."""
    status_date = status_date or timezone.localdate()
    if _annotated_for(project, status_date):
        return earned_value_of(project, status_date=status_date)
    row = annotate_earned_value(Project.objects.filter(pk=project.pk), status_date=status_date)
    return earned_value_of(row.get(), status_date=status_date)


def _annotated_for(project: Project, status_date: date) -> bool:
    return getattr(project, "ev_status_date", None) == status_date


def earned_value_many(projects: Iterable[Project], *, status_date: date) -> dict[int, EarnedValue]:
    """The figures of many projects, by id: annotated ones cost nothing, the others one query;
    one more for all those with budget changes not read yet (`load_budget_changes`)."""
    projects = list(projects)
    if not projects:
        return {}
    missing = [p.pk for p in projects if not _annotated_for(p, status_date)]
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
    rows = [loaded.get(project.pk, project) for project in projects]
    load_budget_changes(rows, status_date=status_date)
    return {row.pk: earned_value_of(row, status_date=status_date) for row in rows}
