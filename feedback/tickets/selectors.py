"""Reads for feedback tickets and client accounts, always scoped to what the user may see.

A client sees the client-visible tickets of the projects they are a member of; the provider
side every ticket of its projects; a staff admin every ticket. The complaint figures of the
satisfaction dashboard are computed in SQL (`complaint_dashboard_figures`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from django.utils import timezone

from accounts.models import Organization, User
from common.errors import NotFound
from feedback.models import (
    FeedbackTicket,
    Interaction,
    Opportunity,
    TicketAttachment,
    TicketKind,
    TicketStatus,
)
from feedback.models.tickets import OPEN_STATUSES
from feedback.tickets.aggregates import Median
from feedback.tickets.permissions import can_manage_account, can_view_ticket
from feedback.tickets.sla import BusinessCalendar, ClockState, clock_state
from projects.models import Membership, Project, Role, Visibility
from projects.selectors.core import internal_project_ids_for, project_scope_for


def _scope(queryset: QuerySet[FeedbackTicket], *, user: User) -> QuerySet[FeedbackTicket]:
    internal = internal_project_ids_for(user=user)
    if internal is None:
        return queryset
    return queryset.filter(Q(project_id__in=internal) | Q(visibility=Visibility.CLIENT))


def _with_related(queryset: QuerySet[FeedbackTicket]) -> QuerySet[FeedbackTicket]:
    return queryset.select_related("project", "project__client", "raised_by", "owner").annotate(
        attachment_count=Count("attachments", distinct=True)
    )


def ticket_list_for(
    *,
    user: User,
    project: Project | None = None,
    filters: dict[str, str] | None = None,
    include_archived: bool = False,
) -> QuerySet[FeedbackTicket]:
    """Tickets `user` may see: of one project, or of every project they may open."""
    projects = project_scope_for(user=user, include_archived=include_archived or bool(project))
    tickets = FeedbackTicket.objects.filter(project_id__in=projects.values("pk"))
    if project is not None:
        tickets = tickets.filter(project=project)
    tickets = _scope(tickets, user=user)
    filters = filters or {}
    if filters.get("status") == "open":
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    elif filters.get("status") in TicketStatus.values:
        tickets = tickets.filter(status=filters["status"])
    if filters.get("kind") in TicketKind.values:
        tickets = tickets.filter(kind=filters["kind"])
    if filters.get("mine"):
        tickets = tickets.filter(raised_by=user)
    return _with_related(tickets).order_by("-raised_at", "-pk")


def ticket_get_for(*, user: User, project: Project, ticket_id: int) -> FeedbackTicket:
    """The ticket, or NotFound alike for a missing and a forbidden one."""
    ticket = ticket_list_for(user=user, project=project).filter(pk=ticket_id).first()
    if ticket is None or not can_view_ticket(user, ticket):
        raise NotFound()
    return ticket


def ticket_search_scope_for(
    *, user: User, include_archived: bool = False
) -> QuerySet[FeedbackTicket]:
    """Every ticket `user` may see (for search)."""
    projects = project_scope_for(user=user, include_archived=include_archived).values("pk")
    tickets = FeedbackTicket.objects.select_related("project").filter(project_id__in=projects)
    return _scope(tickets, user=user)


def attachment_list_for(*, user: User, ticket: FeedbackTicket) -> QuerySet[TicketAttachment]:
    if not can_view_ticket(user, ticket):
        return TicketAttachment.objects.none()
    return ticket.attachments.select_related("uploaded_by").order_by("uploaded_at", "pk")


def attachment_get_for(
    *, user: User, ticket: FeedbackTicket, attachment_id: int
) -> TicketAttachment:
    attachment = attachment_list_for(user=user, ticket=ticket).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    return attachment


def tickets_awaiting_confirmation_for(*, user: User) -> QuerySet[FeedbackTicket]:
    """Resolved client-visible tickets the client user may confirm or reopen (portal home)."""
    if not user.is_authenticated or not user.is_client_user:
        return FeedbackTicket.objects.none()
    deciding = Membership.objects.filter(
        user=user, role__in=(Role.CLIENT_ADMIN, Role.CUSTOMER_REP), project__is_archived=False
    ).values("project_id")
    return (
        FeedbackTicket.objects.filter(
            project_id__in=deciding,
            visibility=Visibility.CLIENT,
            status=TicketStatus.RESOLVED,
        )
        .select_related("project")
        .order_by("resolved_at", "pk")
    )


def ticket_history_for(*, user: User, ticket: FeedbackTicket) -> QuerySet[Any]:
    if not can_view_ticket(user, ticket):
        return FeedbackTicket.history.none()
    return ticket.history.select_related("history_user").order_by("history_date")


# --- SLA clocks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketClocks:
    first_response: ClockState
    resolution: ClockState

    @property
    def is_breaching(self) -> bool:
        return self.first_response.is_breached or self.resolution.is_breached


def ticket_clocks(
    ticket: FeedbackTicket, *, calendar: BusinessCalendar, now: datetime | None = None
) -> TicketClocks:
    now = now or timezone.now()
    resolution_done = ticket.resolved_at if ticket.status in ("resolved", "confirmed") else None
    return TicketClocks(
        first_response=clock_state(
            due_at=ticket.first_response_due_at,
            done_at=ticket.first_responded_at,
            now=now,
            calendar=calendar,
        ),
        resolution=clock_state(
            due_at=ticket.resolution_due_at, done_at=resolution_done, now=now, calendar=calendar
        ),
    )


def with_clocks(
    tickets: list[FeedbackTicket], *, calendar: BusinessCalendar, now: datetime | None = None
) -> list[FeedbackTicket]:
    """Attach `clocks` to each ticket (no query)."""
    now = now or timezone.now()
    for ticket in tickets:
        ticket.clocks = ticket_clocks(ticket, calendar=calendar, now=now)  # type: ignore[attr-defined]
    return tickets


# --- The dashboard's complaint figures --------------------------------------------------------


def _breaching(now: datetime) -> Q:
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
    open_limit: int = 50,
) -> ComplaintFigures:
    """Open complaints with their SLA clocks, median time to first response and to resolution
    (wall-clock time, PostgreSQL's percentile_cont: feedback.tickets.aggregates.Median),
    counts by state, and the breaching ones (open complaints past either target, or whose
    first response came late).
    A fixed number of queries whatever the number of complaints: one aggregate, one list of
    open complaints (capped at `open_limit`, most urgent first), one list of breaching ones,
    and the provider's calendar."""
    from feedback.tickets.services import sla_calendar

    now = now or timezone.now()
    complaints = complaint_scope_for(
        user=user,
        period_start=period_start,
        period_end=period_end,
        client_id=client_id,
        pm_id=pm_id,
    )
    to_first = ExpressionWrapper(
        F("first_responded_at") - F("raised_at"), output_field=DurationField()
    )
    to_resolution = ExpressionWrapper(
        F("resolved_at") - F("raised_at"), output_field=DurationField()
    )
    counts = {f"n_{value}": Count("pk", filter=Q(status=value)) for value in TicketStatus.values}
    medians: dict[str, Any] = {}
    if connection.vendor == "postgresql":
        medians = {"median_first": Median(to_first), "median_resolution": Median(to_resolution)}
    figures = complaints.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        breaching=Count("pk", filter=_breaching(now) & Q(status__in=OPEN_STATUSES)),
        **medians,
        **counts,
    )
    if not medians:  # the embedded SQLite default has no percentile_cont
        figures["median_first"] = _python_median(
            complaints.filter(first_responded_at__isnull=False), to_first
        )
        figures["median_resolution"] = _python_median(
            complaints.filter(resolved_at__isnull=False), to_resolution
        )
    related = complaints.select_related("project", "project__client", "owner")
    open_complaints = list(
        related.filter(status__in=OPEN_STATUSES).order_by("resolution_due_at", "pk")[:open_limit]
    )
    breaching = list(
        related.filter(_breaching(now), status__in=OPEN_STATUSES).order_by(
            "resolution_due_at", "pk"
        )[:open_limit]
    )
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


def _python_median(complaints: QuerySet[FeedbackTicket], expression: Any) -> timedelta | None:
    """The median on databases without percentile_cont (SQLite, the embedded demo only)."""
    values = sorted(v for v in complaints.annotate(_d=expression).values_list("_d", flat=True))
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def _as_timedelta(value: Any) -> timedelta | None:
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(seconds=float(value))


def open_breaching_counts(project_ids: list[int], *, now: datetime) -> dict[int, int]:
    """Open complaints breaching their SLA per project, in one query (the health signal)."""
    rows = (
        FeedbackTicket.objects.filter(
            project_id__in=project_ids, kind=TicketKind.COMPLAINT, status__in=OPEN_STATUSES
        )
        .filter(_breaching(now))
        .values("project_id")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return {row["project_id"]: row["total"] for row in rows}


# --- The account -------------------------------------------------------------------------------


def account_get_for(*, user: User, organization_id: int) -> Organization:
    """A client organisation whose account `user` manages, or NotFound."""
    organization = Organization.objects.filter(
        pk=organization_id, kind=Organization.Kind.CLIENT
    ).first()
    if organization is None or not can_manage_account(user, organization):
        raise NotFound()
    return organization


def account_projects(*, organization: Organization) -> QuerySet[Project]:
    return Project.objects.filter(client=organization).order_by("is_archived", "name")


def account_contacts(*, organization: Organization) -> QuerySet[User]:
    """The organisation's people with their memberships (one prefetch)."""
    from django.db.models import Prefetch

    return (
        User.objects.filter(organization=organization)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("project").order_by("project__name"),
            )
        )
        .order_by("display_name", "email")
    )


def account_complaints(*, organization: Organization) -> QuerySet[FeedbackTicket]:
    return _with_related(
        FeedbackTicket.objects.filter(project__client=organization, kind=TicketKind.COMPLAINT)
    ).order_by("-raised_at", "-pk")


def interaction_list_for(*, user: User, organization: Organization) -> QuerySet[Interaction]:
    if not can_manage_account(user, organization):
        return Interaction.objects.none()
    return (
        Interaction.objects.filter(organization=organization)
        .select_related("recorded_by")
        .order_by("-occurred_on", "-pk")
    )


def opportunity_list_for(*, user: User, organization: Organization) -> QuerySet[Opportunity]:
    if not can_manage_account(user, organization):
        return Opportunity.objects.none()
    return (
        Opportunity.objects.filter(organization=organization)
        .select_related("owner")
        .order_by("expected_close_on", "pk")
    )


def opportunity_get_for(
    *, user: User, organization: Organization, opportunity_id: int
) -> Opportunity:
    opportunity = (
        opportunity_list_for(user=user, organization=organization).filter(pk=opportunity_id).first()
    )
    if opportunity is None:
        raise NotFound()
    return opportunity
