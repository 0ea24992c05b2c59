"""The SLA of complaints: targets by severity in business hours of the provider, due times set
when a ticket is raised, and the escalation of breaches.

Breaches are flagged once on the ticket and escalated once by `tickets_escalate_breaches` (a
Celery beat task): the flag is set by a conditional UPDATE, so two runs, even concurrent ones,
escalate a breach exactly once.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.calendars import calendar_for_organization_id, provider_identity
from common.events import EventType
from feedback.models import (
    FeedbackTicket,
    SlaTarget,
    TicketKind,
    TicketSeverity,
)
from feedback.models.tickets import OPEN_STATUSES
from feedback.services.ticket_notifications import (
    announce_complaint,
    ticket_handlers,
    ticket_notify,
)
from feedback.sla import BusinessCalendar, add_business_time
from projects.models import Phase

if TYPE_CHECKING:
    pass

# Business hours: (first response, resolution) per severity.


# Business hours: (first response, resolution) per severity.
DEFAULT_SLA_TARGETS: dict[str, tuple[int, int]] = {
    TicketSeverity.CRITICAL: (2, 16),
    TicketSeverity.HIGH: (4, 24),
    TicketSeverity.MEDIUM: (8, 40),
    TicketSeverity.LOW: (16, 80),
}

# --- SLA -----------------------------------------------------------------------------------------


def sla_calendar(
    *, around: date | None = None, provider: tuple[int | None, str | None] | None = None
) -> BusinessCalendar:
    """The provider's business hours: its organisation's time zone (UTC without a provider),
    RAPPORT_SLA_BUSINESS_HOURS ("09:00-18:00") and RAPPORT_SLA_WORKING_DAYS ("1-5", ISO
    weekday numbers), with the holidays and make-up working days of the provider
    organisation's working calendar for the years around `around` (by default today).
    `provider` is the organisation's (id, time zone) when the caller read them already (both
    None without a provider); otherwise they come from the cache (accounts.calendars)."""
    provider_id, zone = provider if provider is not None else provider_identity()
    zone = zone or "UTC"
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = "UTC"
    calendar = BusinessCalendar.from_strings(
        time_zone=zone,
        hours=settings.RAPPORT_SLA_BUSINESS_HOURS,
        days=settings.RAPPORT_SLA_WORKING_DAYS,
    )
    days = calendar_for_organization_id(provider_id, around=around)
    return replace(calendar, holidays=days.holidays, extra_working_days=days.extra_working_days)


def sla_targets() -> dict[str, tuple[int, int]]:
    """(first response, resolution) business hours per severity: configured rows over the
    defaults."""
    targets = dict(DEFAULT_SLA_TARGETS)
    for severity, first, resolution in SlaTarget.objects.values_list(
        "severity", "first_response_hours", "resolution_hours"
    ):
        targets[severity] = (first, resolution)
    return targets


def ticket_set_sla(ticket: FeedbackTicket, calendar: BusinessCalendar | None = None) -> None:
    if ticket.kind != TicketKind.COMPLAINT:
        ticket.first_response_due_at = None
        ticket.resolution_due_at = None
        return
    calendar = calendar or sla_calendar(
        around=ticket.raised_at.astimezone(zoneinfo.ZoneInfo("UTC")).date()
    )
    first, resolution = sla_targets()[ticket.severity]
    ticket.first_response_due_at = add_business_time(
        ticket.raised_at, timedelta(hours=first), calendar
    )
    ticket.resolution_due_at = add_business_time(
        ticket.raised_at, timedelta(hours=resolution), calendar
    )


# --- Escalation --------------------------------------------------------------------------------


def tickets_escalate_breaches(*, now: datetime | None = None, limit: int = 500) -> int:
    """Flag and escalate every complaint whose first response or resolution is overdue, once.

    Idempotent: the flag is set with `UPDATE … WHERE <flag> IS NULL`, and only the run whose
    update changed the row notifies (the owner, the PMs and AMs), each with a dedupe key.
    Returns how many breaches this run escalated."""
    now = now or timezone.now()
    # A closed project is read-only: its complaints are no longer flagged nor escalated.
    base = FeedbackTicket.objects.filter(kind=TicketKind.COMPLAINT).exclude(
        project__phase=Phase.CLOSED
    )
    late_response = base.filter(
        first_response_due_at__lt=now,
        first_responded_at__isnull=True,
        first_response_breached_at__isnull=True,
        status__in=OPEN_STATUSES,
    ).values_list("pk", flat=True)[:limit]
    late_resolution = base.filter(
        resolution_due_at__lt=now,
        resolution_breached_at__isnull=True,
        status__in=OPEN_STATUSES,
    ).values_list("pk", flat=True)[:limit]
    escalated = 0
    for pks, flag, event in (
        (list(late_response), "first_response_breached_at", "first_response_breached"),
        (list(late_resolution), "resolution_breached_at", "resolution_breached"),
    ):
        for pk in pks:
            with transaction.atomic():
                changed = FeedbackTicket.objects.filter(pk=pk, **{f"{flag}__isnull": True}).update(
                    **{flag: now}
                )
                if not changed:
                    continue
                ticket = FeedbackTicket.objects.select_related("project", "owner").get(pk=pk)
                people = {person.pk: person for person in ticket_handlers(ticket)}
                ticket_notify(ticket, list(people.values()), event=event, by=None)
                announce_complaint(
                    ticket, EventType.COMPLAINT_BREACHED, client_visible=False, breach=event
                )
                escalated += 1
    return escalated
