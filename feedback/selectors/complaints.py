"""The satisfaction dashboard's complaint figures and the open complaints past their SLA,
computed in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone, translation

from accounts.models import User
from accounts.stand_ins import Standing, built_alike
from common.compiled import CompiledValues
from feedback.models import (
    FeedbackTicket,
    TicketKind,
    TicketStatus,
)
from feedback.models.tickets import OPEN_STATUSES
from feedback.selectors.aggregates import Median
from feedback.selectors.tickets import with_clocks
from projects.models import Membership, Project, Role
from projects.selectors.portfolio import count_per_project

# --- The dashboard's complaint figures --------------------------------------------------------


def breaching_condition(now: datetime) -> Q:
    """Complaints whose first response or resolution is (or was) late, in SQL."""
    late_response = Q(first_response_due_at__isnull=False) & (
        Q(first_responded_at__gt=F("first_response_due_at"))
        | Q(first_responded_at__isnull=True, first_response_due_at__lt=now)
    )
    late_resolution = Q(resolution_due_at__isnull=False) & (
        Q(resolved_at__gt=F("resolution_due_at"))
        | Q(status__in=OPEN_STATUSES, resolution_due_at__lt=now)
    )
    return late_response | late_resolution


def complaint_scope_for(
    *,
    user: User,
    period_start: date | None = None,
    period_end: date | None = None,
    client_id: int | None = None,
    pm_id: int | None = None,
) -> QuerySet[FeedbackTicket]:
    """The complaints behind the dashboard: of the projects where `user` handles complaints
    (PM or AM; every project for a staff admin), raised in the period, of one client or PM."""
    complaints = FeedbackTicket.objects.filter(kind=TicketKind.COMPLAINT)
    if not user.is_staff_admin:
        handled = Membership.objects.filter(user=user, role__in=(Role.PM, Role.AM)).values(
            "project_id"
        )
        complaints = complaints.filter(project_id__in=handled)
    if period_start is not None:
        complaints = complaints.filter(raised_at__date__gte=period_start)
    if period_end is not None:
        complaints = complaints.filter(raised_at__date__lte=period_end)
    if client_id is not None:
        complaints = complaints.filter(project__client_id=client_id)
    if pm_id is not None:
        led = Membership.objects.filter(user_id=pm_id, role=Role.PM).values("project_id")
        complaints = complaints.filter(project_id__in=led)
    return complaints


@dataclass(frozen=True)
class ComplaintFigures:
    total: int
    open: int
    breaching: int
    by_status: dict[str, int]
    median_first_response: timedelta | None
    median_resolution: timedelta | None
    open_complaints: list[FeedbackTicket]
    breaching_complaints: list[FeedbackTicket]

    @property
    def status_rows(self) -> list[tuple[str, str, int]]:
        return [
            (value, str(label), self.by_status.get(value, 0))
            for value, label in TicketStatus.choices
        ]


def complaint_dashboard_figures(
    *,
    user: User,
    period_start: date | None = None,
    period_end: date | None = None,
    client_id: int | None = None,
    pm_id: int | None = None,
    now: datetime | None = None,
    open_limit: int | None = 50,
) -> ComplaintFigures:
    """Open complaints with their SLA clocks, median time to first response and to resolution
    (wall-clock time, PostgreSQL's percentile_cont: feedback.selectors.aggregates.Median),
    counts by state, and the breaching ones (open complaints past either target, or whose
    first response came late).
    Two queries whatever the number of complaints: one aggregate, and the open complaints
    (capped at `open_limit`, most urgent first; None: all) with the breaching ones (capped
    alike). Both are compiled once per process for everyone of the person's standing and the
    filters given (_complaints_read), and read with the person's id, the moment and the
    filters' values; the provider's calendar is cached (accounts.calendars)."""
    from feedback.services.sla import sla_calendar

    now = now or timezone.now()
    given = {
        "user": user.pk,
        "now": now,
        "start": period_start,
        "end": period_end,
        "client": client_id,
        "pm": pm_id,
    }
    names = tuple(name for name, value in given.items() if value is not None)
    values = [given[name] for name in names]
    shape = (
        names,
        Standing.of(user),
        translation.get_language(),
        timezone.get_current_timezone_name(),
    )
    counted = _complaints_read.rows(values, (_FIGURES, *shape, None))
    figures = counted[0] if counted else _NO_FIGURES
    rows: list[Any] = _complaints_read.objects(values, (_OPEN, *shape, open_limit))
    open_complaints: list[FeedbackTicket] = [
        row for row in rows if open_limit is None or row.open_rank <= open_limit
    ]
    breaching: list[FeedbackTicket] = [row for row in rows if row.is_breaching]
    calendar = sla_calendar()
    with_clocks(open_complaints, calendar=calendar, now=now)
    with_clocks(breaching, calendar=calendar, now=now)
    return ComplaintFigures(
        total=figures["total"],
        open=figures["open"],
        breaching=figures["breaching"],
        by_status={value: figures[f"n_{value}"] for value in TicketStatus.values},
        median_first_response=_as_timedelta(figures["median_first"]),
        median_resolution=_as_timedelta(figures["median_resolution"]),
        open_complaints=open_complaints,
        breaching_complaints=breaching,
    )


_FIGURES, _OPEN = "figures", "open"
# The figures of a scope without complaints (the aggregate, grouped by kind, gives no row).
_NO_FIGURES: dict[str, Any] = {
    "total": 0,
    "open": 0,
    "breaching": 0,
    "median_first": None,
    "median_resolution": None,
    **{f"n_{value}": 0 for value in TicketStatus.values},
}


def _complaints_for_everyone(key: tuple[Any, ...], values: list[Any]) -> QuerySet[Any]:
    """The figures' aggregate or the open complaints (the key's first part) of the scope of the
    person whose id is the first of `values`, at the moment and with the filters of the others
    (named by the key), built for a stand-in of the key's standing (accounts.stand_ins)."""
    part, names, standing, _language, _zone, open_limit = key
    given = dict(zip(names, values, strict=True))

    def build(person: User) -> QuerySet[Any]:
        complaints = complaint_scope_for(
            user=person,
            period_start=given.get("start"),
            period_end=given.get("end"),
            client_id=given.get("client"),
            pm_id=given.get("pm"),
        )
        if part == _FIGURES:
            return _counted(complaints, given["now"])
        return _ranked(complaints, given["now"], open_limit)

    return built_alike(build, given["user"], None, standing)


# The dashboard's two complaint queries, compiled once per process, standing, filters given,
# language and time zone (a day of the period is the person's), and read with the person's id,
# the moment and the filters' values (common.compiled). A staff admin's scope is every project:
# their id is not in it.
_complaints_read = CompiledValues(_complaints_for_everyone, optional=[0], shapes=128)


def _counted(complaints: QuerySet[FeedbackTicket], now: datetime) -> QuerySet[Any]:
    """The figures of `complaints` in one row (none without complaints): counts, breaching,
    medians and the count of each state."""
    to_first = ExpressionWrapper(
        F("first_responded_at") - F("raised_at"), output_field=DurationField()
    )
    to_resolution = ExpressionWrapper(
        F("resolved_at") - F("raised_at"), output_field=DurationField()
    )
    counts = {f"n_{value}": Count("pk", filter=Q(status=value)) for value in TicketStatus.values}
    # Grouped by their kind, which they all share: one row, as an aggregate of all of them.
    return (
        complaints.order_by()
        .values("kind")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            breaching=Count("pk", filter=breaching_condition(now) & Q(status__in=OPEN_STATUSES)),
            median_first=Median(to_first),
            median_resolution=Median(to_resolution),
            **counts,
        )
    )


def _ranked(
    complaints: QuerySet[FeedbackTicket], now: datetime, open_limit: int | None
) -> QuerySet[FeedbackTicket]:
    """The open complaints, most urgent first, and the breaching ones (a subset, in the same
    order) in one query: each row's rank among the open ones and among those breaching like it;
    a breaching row is kept by its rank among the breaching (never above its rank among all)."""
    order = [F("resolution_due_at").asc(), F("pk").asc()]
    breaching_now = ExpressionWrapper(breaching_condition(now), output_field=BooleanField())
    ranked = (
        complaints.filter(status__in=OPEN_STATUSES)
        .select_related("project", "project__client", "owner")
        .annotate(
            is_breaching=breaching_now,
            open_rank=Window(RowNumber(), order_by=order),
            alike_rank=Window(RowNumber(), partition_by=[breaching_now], order_by=order),
        )
        .annotate(
            kept_rank=Case(When(is_breaching=True, then=F("alike_rank")), default=F("open_rank"))
        )
    )
    if open_limit is not None:
        ranked = ranked.filter(kept_rank__lte=open_limit)
    return ranked.order_by(*order)


def _as_timedelta(value: Any) -> timedelta | None:
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(seconds=float(value))


def annotate_breaching_complaints(
    projects: QuerySet[Project], *, now: datetime, name: str
) -> QuerySet[Project]:
    """Each project's open complaints breaching their SLA at `now`, as the annotation `name`
    (a subquery of the projects' query)."""
    breaching = FeedbackTicket.objects.filter(
        kind=TicketKind.COMPLAINT, status__in=OPEN_STATUSES
    ).filter(breaching_condition(now))
    return projects.annotate(**{name: count_per_project(breaching)})


def open_breaching_counts(project_ids: list[int], *, now: datetime) -> dict[int, int]:
    """Open complaints breaching their SLA per project, in one query (the health signal)."""
    rows = (
        FeedbackTicket.objects.filter(
            project_id__in=project_ids, kind=TicketKind.COMPLAINT, status__in=OPEN_STATUSES
        )
        .filter(breaching_condition(now))
        .values("project_id")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return {row["project_id"]: row["total"] for row in rows}
