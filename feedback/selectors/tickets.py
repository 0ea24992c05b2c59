"""Reads for feedback tickets, always scoped to what the user may see, and their SLA clocks.

A client sees the client-visible tickets of the projects they are a member of; the provider
side every ticket of its projects; a staff admin every ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.db.models import (
    Count,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from accounts.models import Organization, User
from common.errors import NotFound
from feedback.models import (
    FeedbackTicket,
    TicketAttachment,
    TicketKind,
    TicketStatus,
)
from feedback.models.tickets import OPEN_STATUSES
from feedback.permissions import can_view_ticket
from feedback.sla import BusinessCalendar, ClockState, clock_state
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
    """The ticket, or NotFound alike for a missing and a forbidden one. It carries the provider
    organisation's id and time zone for its SLA calendar (with_sla_provider)."""
    tickets = with_sla_provider(ticket_list_for(user=user, project=project).filter(pk=ticket_id))
    ticket = tickets.first()
    if ticket is None or not can_view_ticket(user, ticket):
        raise NotFound()
    return ticket


def with_sla_provider(tickets: QuerySet[FeedbackTicket]) -> QuerySet[FeedbackTicket]:
    """Each ticket with the provider organisation's id and time zone (None without a provider),
    which the SLA calendar reads: see sla_provider_of."""
    provider = Organization.objects.filter(kind=Organization.Kind.PROVIDER).order_by("name")
    return tickets.annotate(
        sla_provider_id=Subquery(provider.values("pk")[:1]),
        sla_provider_time_zone=Subquery(provider.values("time_zone")[:1]),
    )


def sla_provider_of(tickets: list[FeedbackTicket]) -> tuple[int | None, str | None] | None:
    """The provider's (id, time zone) read with tickets through with_sla_provider, for
    sla_calendar; None when there is no such ticket (sla_calendar reads them then)."""
    for ticket in tickets:
        zone = getattr(ticket, "sla_provider_time_zone", ...)
        if zone is not ...:
            return ticket.sla_provider_id, zone  # type: ignore[attr-defined]
    return None


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
        return cast(QuerySet[Any], FeedbackTicket.history.none())
    return cast(
        QuerySet[Any], ticket.history.select_related("history_user").order_by("history_date")
    )


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
