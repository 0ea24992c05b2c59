"""The scorecards' figures, computed by the database: every counted figure for every person and
every period at once (conditional aggregates, one per period, each figure a part of one UNION
ALL), so a scorecard or the team view costs the same number of queries whatever the number of
projects, people and periods.

A person is measured on the projects where they hold the role today (a project with two PMs
counts for both). Each figure has its rows (`rows`) and the condition that puts a row in a
period (`in_period`); the items page lists exactly the rows a figure counted.

Project manager:
- on-time milestones: milestones whose baseline due date (the current one if none was
  baselined) falls in the period and has passed (or that were completed early), and how many of
  them were completed on or before it;
- SPI and CPI: each of their projects' earned value at the end of the period (today while it
  runs; its closing day if it closed first), the mean over the projects that have one;
- scope churn: change requests approved in the period and their cost impact, per currency;
- deliverables accepted in the period the first time, or after a rejection;
- issues raised in the period, and those that occurred without being registered as a risk;
- NPS and CSAT of the survey responses given on their projects in the period;
- days lost waiting on the client and on the team (projects.waits): the working days in the
  period on which an item of their projects was late on that side, summed over the projects.

Account manager:
- NPS and CSAT on their projects, as above;
- complaints raised in the period, the median time to the first response and to resolution,
  and how many broke (or are breaking) a service-level target;
- detractor follow-ups opened in the period, closed within RAPPORT_FOLLOW_UP_DAYS, and late
  (closed later, or still open past it);
- retention: projects of their clients closed in the period, and how many of those clients
  started another project no later than 12 months after the closing (pending while the 12
  months run);
- opportunities they own won in the period, and their value per currency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Count,
    DateField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone

from closeout.models import ClosureRequest
from feedback.models import (
    DetractorFollowUp,
    FeedbackTicket,
    Opportunity,
    SurveyResponse,
    TicketKind,
)
from feedback.selectors.aggregates import Median
from feedback.selectors.complaints import breaching_condition
from projects.earned_value.figures import DaysBetween
from projects.earned_value.series import earned_value_points
from projects.models import AcceptanceRound, Milestone, Phase, Project, Role
from projects.waits import DelayShare, LateWait, Party, delay_shares_for
from risks.models import Issue
from scorecards.periods import Period
from stakeholders.models import ChangeRequest

RETENTION_DAYS = 365
CENT = Decimal("0.01")


def follow_up_days() -> int:
    return int(getattr(settings, "RAPPORT_FOLLOW_UP_DAYS", 5))


@dataclass(frozen=True)
class Moment:
    """The reference instants of a computation (tests pass fixed ones)."""

    today: date
    now: datetime

    @classmethod
    def current(cls) -> Moment:
        return cls(today=timezone.localdate(), now=timezone.now())


# --- The rows of each figure ----------------------------------------------------------------------


def _held_by(rows: QuerySet[Any], path: str, role: str, people: Iterable[int]) -> QuerySet[Any]:
    """The rows of the projects (reached by `path`) where one of `people` holds `role`, each row
    once per such person (the person is `person`)."""
    prefix = f"{path}__" if path else ""
    return rows.filter(
        **{f"{prefix}memberships__role": role, f"{prefix}memberships__user_id__in": list(people)}
    ).annotate(person=F(f"{prefix}memberships__user_id"))


def closed_at() -> Subquery:
    """When the outer project was closed: its last accepted request for final acceptance."""
    return Subquery(
        ClosureRequest.objects.filter(project=OuterRef("pk"), status=ClosureRequest.Status.ACCEPTED)
        .order_by("-decided_at")
        .values("decided_at")[:1]
    )


def milestone_rows(role: str, people: Iterable[int]) -> QuerySet[Any]:
    return _held_by(Milestone.objects.all(), "project", role, people).annotate(
        target=Coalesce("baseline_due_date", "due_date")
    )


def milestone_in_period(period: Period, moment: Moment) -> Q:
    return period.holds_on("target") & (Q(target__lt=moment.today) | Q(completed_at__isnull=False))


def change_rows(role: str, people: Iterable[int]) -> QuerySet[Any]:
    return _held_by(
        ChangeRequest.objects.filter(status=ChangeRequest.Status.APPROVED), "project", role, people
    )


def acceptance_rows(role: str, people: Iterable[int]) -> QuerySet[Any]:
    rejected_before = AcceptanceRound.objects.filter(
        deliverable=OuterRef("deliverable"),
        decision=AcceptanceRound.Decision.REJECTED,
        number__lt=OuterRef("number"),
    )
    return _held_by(
        AcceptanceRound.objects.filter(
            decision__in=(
                AcceptanceRound.Decision.ACCEPTED,
                AcceptanceRound.Decision.DEEMED_ACCEPTED,
            )
        ),
        "deliverable__project",
        role,
        people,
    ).annotate(after_rejection=Exists(rejected_before))


def issue_rows(role: str, people: Iterable[int]) -> QuerySet[Any]:
    return _held_by(Issue.objects.all(), "project", role, people)


def response_rows(role: str, people: Iterable[int]) -> QuerySet[Any]:
    return _held_by(SurveyResponse.objects.all(), "project", role, people)


def complaint_rows(role: str, people: Iterable[int]) -> QuerySet[Any]:
    return _held_by(
        FeedbackTicket.objects.filter(kind=TicketKind.COMPLAINT), "project", role, people
    ).annotate(
        to_first=ExpressionWrapper(
            F("first_responded_at") - F("raised_at"), output_field=DurationField()
        ),
        to_resolution=ExpressionWrapper(
            F("resolved_at") - F("raised_at"), output_field=DurationField()
        ),
    )


def follow_up_rows(role: str, people: Iterable[int]) -> QuerySet[Any]:
    return _held_by(DetractorFollowUp.objects.all(), "project", role, people)


def follow_up_in_time() -> Q:
    return Q(
        closed_at__isnull=False, closed_at__lte=F("opened_at") + timedelta(days=follow_up_days())
    )


def follow_up_late(moment: Moment) -> Q:
    limit = timedelta(days=follow_up_days())
    return Q(closed_at__gt=F("opened_at") + limit) | Q(
        closed_at__isnull=True, opened_at__lt=moment.now - limit
    )


def project_start() -> Coalesce:
    return Coalesce("start_date", "baseline_start_date", TruncDate("created_at"))


def closing_rows(role: str, people: Iterable[int]) -> QuerySet[Any]:
    """The closed projects of the people's clients (where they are the AM), with when each
    closed and whether the client started another project within the retention window."""
    started_again = (
        Project.objects.filter(client=OuterRef("client"))
        .exclude(pk=OuterRef("pk"))
        .annotate(begun=project_start())
        .filter(begun__gt=OuterRef("begun"))
        .annotate(gap=DaysBetween(F("begun"), OuterRef("closed_on")))
        .filter(gap__lte=RETENTION_DAYS)
    )
    return (
        _held_by(Project.objects.filter(phase=Phase.CLOSED), "", role, people)
        .annotate(closed_at=closed_at(), begun=project_start())
        .filter(closed_at__isnull=False)
        .annotate(
            closed_on=TruncDate("closed_at", output_field=DateField()),
            retained=Exists(started_again),
        )
    )


def retention_pending(moment: Moment) -> Q:
    return Q(retained=False, closed_at__gt=moment.now - timedelta(days=RETENTION_DAYS))


def won_rows(people: Iterable[int]) -> QuerySet[Any]:
    return Opportunity.objects.filter(
        stage=Opportunity.Stage.WON, won_at__isnull=False, owner_id__in=list(people)
    ).annotate(person=F("owner_id"))


# --- Aggregation: every figure in one query ----------------------------------------------------
# Each figure is a part: its rows grouped per person (and per currency for the money figures),
# with conditional aggregates per period. The parts are read in one UNION ALL: each part's
# aggregates fill typed columns (counts, sums of money, durations), the others null, so that
# the rows of every part line up; each part then reads its own rows back.

Figures = dict[int, list[dict[str, Any]]]  # person -> one dict per period

_SLOT_TYPES: dict[str, Callable[[], Field[Any, Any]]] = {
    "n": BigIntegerField,
    "m": lambda: DecimalField(max_digits=30, decimal_places=10),
    "d": DurationField,
}


def _blank(people: Iterable[int], periods: list[Period]) -> Figures:
    return {person: [{} for _ in periods] for person in people}


@dataclass(frozen=True)
class _Part:
    """A figure's rows (annotated with `person`), the field of their currency if the figure
    sums money, its aggregates by name, and what to do with its grouped rows (each a dict of
    `person`, `currency` and the aggregates' names)."""

    rows: QuerySet[Any]
    aggregates: dict[str, Any]
    consume: Callable[[list[dict[str, Any]]], None]
    currency: str | None = None


def _slot_kind(aggregate: Any) -> str:
    if isinstance(aggregate, Count):
        return "n"
    if isinstance(aggregate, Sum):
        return "m"
    return "d"


def _read(parts: list[_Part]) -> None:
    """Every part's grouped rows in one query."""
    if not parts:
        return
    slots: list[dict[str, str]] = []  # per part: slot column -> aggregate name
    width: dict[str, int] = defaultdict(int)
    for part in parts:
        used: dict[str, int] = defaultdict(int)
        mapping = {}
        for name, aggregate in part.aggregates.items():
            kind = _slot_kind(aggregate)
            mapping[f"u_{kind}{used[kind]}"] = name
            used[kind] += 1
        for kind, count in used.items():
            width[kind] = max(width[kind], count)
        slots.append(mapping)
    columns = [f"u_{kind}{index}" for kind in _SLOT_TYPES for index in range(width[kind])]
    selects = []
    for number, (part, mapping) in enumerate(zip(parts, slots, strict=True)):
        keys = part.rows.order_by().annotate(
            u_part=Value(number, output_field=IntegerField()),
            u_currency=Cast(F(part.currency) if part.currency else Value(None), TextField()),
        )
        aggregates = {
            column: Cast(part.aggregates[mapping[column]], _SLOT_TYPES[column[2]]())
            if column in mapping
            else Cast(Value(None), _SLOT_TYPES[column[2]]())
            for column in columns
        }
        grouped = keys.values("u_part", "person", "u_currency").annotate(**aggregates)
        selects.append(grouped.values("u_part", "person", "u_currency", *columns))
    first, *others = selects
    found: dict[int, list[dict[str, Any]]] = {number: [] for number in range(len(parts))}
    for row in first.union(*others, all=True) if others else first:
        mapping = slots[row["u_part"]]
        found[row["u_part"]].append(
            {
                "person": row["person"],
                "currency": row["u_currency"],
                **{name: row[column] for column, name in mapping.items()},
            }
        )
    for number, part in enumerate(parts):
        part.consume(found[number])


def _count_part(
    figures: Figures,
    rows: QuerySet[Any],
    periods: list[Period],
    in_period: Callable[[Period], Q],
    counts: dict[str, Q],
    *,
    extra: Callable[[int, Period], dict[str, Any]] | None = None,
) -> _Part:
    """Count the rows in each period (and each condition of `counts`) per person."""
    aggregates: dict[str, Any] = {}
    for index, period in enumerate(periods):
        window = in_period(period)
        for name, condition in counts.items():
            aggregates[f"{name}__{index}"] = Count("pk", filter=window & condition, distinct=True)
        if extra is not None:
            aggregates.update(extra(index, period))

    def consume(grouped: list[dict[str, Any]]) -> None:
        for row in grouped:
            cells = figures.get(row["person"])
            if cells is None:
                continue
            for key, value in row.items():
                if "__" in key:
                    name, index = key.rsplit("__", 1)
                    cells[int(index)][name] = value
        for cells in figures.values():
            for cell in cells:
                for name in counts:
                    cell.setdefault(name, 0)

    return _Part(rows=rows, aggregates=aggregates, consume=consume)


def _count_and_money_part(
    figures: Figures,
    rows: QuerySet[Any],
    periods: list[Period],
    in_period: Callable[[Period], Q],
    counts: dict[str, Q],
    *,
    currency: str,
    amount: str,
    name: str,
) -> _Part:
    """_count_part, and the sum of `amount` per person, period and currency (`name` holds a
    sorted list of (currency, total) pairs), over the same rows: the rows are counted per
    person and currency, and a row has one currency, so a person's count is the sum of
    theirs."""
    aggregates: dict[str, Any] = {}
    for index, period in enumerate(periods):
        window = in_period(period)
        for count_name, condition in counts.items():
            aggregates[f"{count_name}__{index}"] = Count(
                "pk", filter=window & condition, distinct=True
            )
        aggregates[f"s{index}"] = Sum(amount, filter=window)

    def consume(grouped: list[dict[str, Any]]) -> None:
        totals: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(dict)
        for row in grouped:
            cells = figures.get(row["person"])
            for index in range(len(periods)):
                if cells is not None:
                    for count_name in counts:
                        cell = cells[index]
                        cell[count_name] = cell.get(count_name, 0) + row[f"{count_name}__{index}"]
                value = row[f"s{index}"]
                if value:
                    totals[(row["person"], index)][row["currency"]] = Decimal(value).quantize(CENT)
        for cells in figures.values():
            for cell in cells:
                for count_name in counts:
                    cell.setdefault(count_name, 0)
        for person, cells in figures.items():
            for index, cell in enumerate(cells):
                cell[name] = sorted(totals.get((person, index), {}).items())

    return _Part(rows=rows, aggregates=aggregates, consume=consume, currency=currency)


def _score_counts() -> dict[str, Q]:
    return {
        "responses": Q(),
        "nps_count": Q(nps__isnull=False),
        "promoters": Q(nps__gte=9),
        "detractors": Q(nps__lte=6),
        "csat_count": Q(csat__isnull=False),
        "satisfied": Q(csat__gte=4),
    }


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _scores(figures: Figures) -> None:
    """NPS (% promoters - % detractors) and CSAT (% of 4-5) from the counts."""
    for cells in figures.values():
        for cell in cells:
            nps = cell["nps_count"]
            cell["nps"] = (
                None
                if not nps
                else (Decimal(cell["promoters"] - cell["detractors"]) * 100 / nps).quantize(
                    Decimal("0.1"), ROUND_HALF_UP
                )
            )
            cell["csat"] = _percent(cell["satisfied"], cell["csat_count"])


def _satisfaction(figures: Figures, role: str, people: list[int], periods: list[Period]) -> _Part:
    """The survey responses' counts; NPS and CSAT come of them (`_scores`) once read."""
    return _count_part(
        figures,
        response_rows(role, people),
        periods,
        lambda period: period.holds_at("submitted_at"),
        _score_counts(),
    )


# --- Earned value at each period's end ------------------------------------------------------------


def _pm_projects(people: list[int]) -> list[Any]:
    """Each project of each PM of `people`, once per PM (`person`), with when it began and when
    it was closed. One query."""
    return list(
        _held_by(Project.objects.select_related("client"), "", Role.PM, people)
        .annotate(begun=project_start(), closed_at=closed_at())
        .order_by("pk")
    )


def _earned_value(
    figures: Figures,
    people: list[int],
    periods: list[Period],
    moment: Moment,
    projects: list[Any] | None = None,
) -> None:
    """SPI and CPI of each PM's projects at the end of each period: two queries (the projects,
    unless `projects` (_pm_projects) are given, then every (project, day) point at once)."""
    if projects is None:
        projects = _pm_projects(people)
    wanted: dict[tuple[int, date], Project] = {}
    plan: list[tuple[int, int, int, date]] = []  # person, period, project, day
    for project in projects:
        closed_on = (
            timezone.localdate(project.closed_at)
            if project.phase == Phase.CLOSED and project.closed_at
            else None
        )
        for index, period in enumerate(periods):
            day = period.status_date(moment.today)
            if project.begun is None or project.begun > day:
                continue
            if closed_on is not None:
                if closed_on < period.start:
                    continue
                day = min(day, closed_on)
            wanted.setdefault((project.pk, day), project)
            plan.append((project.person, index, project.pk, day))
    keys = list(wanted)
    points = earned_value_points([(wanted[key], key[1]) for key in keys], today=moment.today)
    by_key = dict(zip(keys, points, strict=True))
    collected: dict[tuple[int, int], list[tuple[Project, Any]]] = defaultdict(list)
    for person, index, project_id, day in plan:
        collected[(person, index)].append((wanted[(project_id, day)], by_key[(project_id, day)]))
    for person, cells in figures.items():
        for index, cell in enumerate(cells):
            entries = collected.get((person, index), [])
            cell["ev_projects"] = [(project, point.figures) for project, point in entries]
            cell["spi"] = _mean([point.figures.spi for _, point in entries])
            cell["cpi"] = _mean([point.figures.cpi for _, point in entries])


def _waiting_shares(
    people: list[int], moment: Moment, projects: list[Any] | None = None
) -> list[tuple[int, Project, DelayShare]]:
    """(person, project, its delay share today) for each PM's projects: the projects' query
    (unless `projects`, _pm_projects, are given) and the wait sources' (projects.waits), once
    for every person."""
    if projects is None:
        projects = list(_held_by(Project.objects.all(), "", Role.PM, people).order_by("pk"))
    shares = delay_shares_for(list({p.pk: p for p in projects}.values()), today=moment.today)
    return [(project.person, project, shares[project.pk]) for project in projects]


def _waiting(
    figures: Figures,
    people: list[int],
    periods: list[Period],
    moment: Moment,
    projects: list[Any] | None = None,
) -> None:
    for person, _project, share in _waiting_shares(people, moment, projects):
        for index, period in enumerate(periods):
            cell = figures[person][index]
            cell["client_wait_days"] += share.days_within(Party.CLIENT, period.start, period.end)
            cell["team_wait_days"] += share.days_within(Party.TEAM, period.start, period.end)


def waiting_items(person: int, period: Period, moment: Moment) -> list[tuple[Project, LateWait]]:
    """The late items of `person`'s projects with late days in `period`."""
    return [
        (project, item)
        for _person, project, share in _waiting_shares([person], moment)
        for item in share.late
        if any(period.start <= day < period.end for day in item.days)
    ]


def _mean(values: list[Decimal | None]) -> Decimal | None:
    present = [value for value in values if value is not None]
    if not present:
        return None
    return (sum(present, Decimal(0)) / len(present)).quantize(CENT, ROUND_HALF_UP)


def earned_value_items(person: int, period: Period, moment: Moment) -> list[tuple[Project, Any]]:
    figures = _blank([person], [period])
    _earned_value(figures, [person], [period], moment)
    return list(figures[person][0]["ev_projects"])


# --- Complaint times ------------------------------------------------------------------------------


def _complaint_medians(figures: Figures, rows: QuerySet[Any], periods: list[Period]) -> None:
    """Median time to first response and to resolution per person and period: in the counting
    query on PostgreSQL (percentile_cont with FILTER); on SQLite, the embedded default, one
    more query reads the durations."""
    if connection.vendor != "postgresql":
        values = rows.values_list("person", "raised_at", "to_first", "to_resolution")
        series: dict[tuple[int, int, str], list[timedelta]] = defaultdict(list)
        for person, raised_at, to_first, to_resolution in values:
            for index, period in enumerate(periods):
                if period.start_at <= raised_at < period.end_at:
                    if to_first is not None:
                        series[(person, index, "median_first")].append(to_first)
                    if to_resolution is not None:
                        series[(person, index, "median_resolution")].append(to_resolution)
        for person, cells in figures.items():
            for index, cell in enumerate(cells):
                for name in ("median_first", "median_resolution"):
                    found = series.get((person, index, name))
                    cell[name] = _median(found)


def _median(values: list[timedelta] | None) -> timedelta | None:
    if not values:
        return None
    return timedelta(seconds=median(value.total_seconds() for value in values))


def _complaints(
    figures: Figures, people: list[int], periods: list[Period], moment: Moment
) -> _Part:
    rows = complaint_rows(Role.AM, people)
    postgres = connection.vendor == "postgresql"

    def medians(index: int, period: Period) -> dict[str, Any]:
        if not postgres:
            return {}
        window = period.holds_at("raised_at")
        return {
            f"median_first__{index}": Median("to_first", filter=window),
            f"median_resolution__{index}": Median("to_resolution", filter=window),
        }

    counted = _count_part(
        figures,
        rows,
        periods,
        lambda period: period.holds_at("raised_at"),
        {"complaints": Q(), "breaches": breaching_condition(moment.now)},
        extra=medians,
    )

    def consume(grouped: list[dict[str, Any]]) -> None:
        counted.consume(grouped)
        _complaint_medians(figures, rows, periods)
        for cells in figures.values():
            for cell in cells:
                for name in ("median_first", "median_resolution"):
                    value = cell.get(name)
                    if value is not None and not isinstance(value, timedelta):
                        value = timedelta(seconds=float(value))
                    cell[name] = value

    return _Part(rows=rows, aggregates=counted.aggregates, consume=consume)


# --- The scorecards -------------------------------------------------------------------------------


def pm_figures(
    people: Iterable[int], periods: list[Period], moment: Moment | None = None
) -> Figures:
    """Every project manager figure of `people` for each period: the counts in one query, the
    projects in one, their earned value points in one, and the days lost waiting in the wait
    sources' query (projects.waits), with the working calendars cached."""
    moment = moment or Moment.current()
    people = list(people)
    figures = _blank(people, periods)
    _read(
        [
            _count_part(
                figures,
                milestone_rows(Role.PM, people),
                periods,
                lambda period: milestone_in_period(period, moment),
                {
                    "milestones_due": Q(),
                    "milestones_on_time": Q(completed_at__date__lte=F("target")),
                },
            ),
            _count_and_money_part(
                figures,
                change_rows(Role.PM, people),
                periods,
                lambda period: period.holds_at("applied_at"),
                {"changes": Q()},
                currency="project__currency",
                amount="cost_impact",
                name="change_cost",
            ),
            _count_part(
                figures,
                acceptance_rows(Role.PM, people),
                periods,
                lambda period: period.holds_at("decided_at"),
                {
                    "accepted": Q(),
                    "accepted_first_time": Q(after_rejection=False),
                    "accepted_after_rejection": Q(after_rejection=True),
                },
            ),
            _count_part(
                figures,
                issue_rows(Role.PM, people),
                periods,
                lambda period: period.holds_at("created_at"),
                {"issues": Q(), "issues_unregistered": Q(risk__isnull=True)},
            ),
            _satisfaction(figures, Role.PM, people, periods),
        ]
    )
    _scores(figures)
    projects = _pm_projects(people)
    _earned_value(figures, people, periods, moment, projects)
    for cells in figures.values():
        for cell in cells:
            cell["client_wait_days"] = cell["team_wait_days"] = 0
    _waiting(figures, people, periods, moment, projects)
    for cells in figures.values():
        for cell in cells:
            cell["on_time_rate"] = _percent(cell["milestones_on_time"], cell["milestones_due"])
            cell["first_time_rate"] = _percent(cell["accepted_first_time"], cell["accepted"])
    return figures


def am_figures(
    people: Iterable[int], periods: list[Period], moment: Moment | None = None
) -> Figures:
    """Every account manager figure of `people` for each period: one query (two on SQLite,
    which reads the complaints' durations apart for their medians)."""
    moment = moment or Moment.current()
    people = list(people)
    figures = _blank(people, periods)
    _read(
        [
            _satisfaction(figures, Role.AM, people, periods),
            _complaints(figures, people, periods, moment),
            _count_part(
                figures,
                follow_up_rows(Role.AM, people),
                periods,
                lambda period: period.holds_at("opened_at"),
                {
                    "follow_ups": Q(),
                    "follow_ups_in_time": follow_up_in_time(),
                    "follow_ups_late": follow_up_late(moment),
                },
            ),
            _count_part(
                figures,
                closing_rows(Role.AM, people),
                periods,
                lambda period: period.holds_at("closed_at"),
                {
                    "closings": Q(),
                    "retained": Q(retained=True),
                    "retention_pending": retention_pending(moment),
                },
            ),
            _count_and_money_part(
                figures,
                won_rows(people),
                periods,
                lambda period: period.holds_at("won_at"),
                {"won": Q()},
                currency="currency",
                amount="value_estimate",
                name="won_value",
            ),
        ]
    )
    _scores(figures)
    for cells in figures.values():
        for cell in cells:
            cell["follow_up_rate"] = _percent(cell["follow_ups_in_time"], cell["follow_ups"])
            decided = cell["closings"] - cell["retention_pending"]
            cell["retention_rate"] = _percent(cell["retained"], decided)
    return figures
