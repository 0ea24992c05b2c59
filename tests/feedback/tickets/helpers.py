"""Builders shared by the ticket tests."""

from __future__ import annotations

from datetime import UTC, datetime

from feedback.models import TicketKind, TicketSeverity
from feedback.services.tickets import ticket_raise
from projects.models import Visibility

# Friday 27 November 2026, 16:00 UTC (the provider in these tests works in Europe/London).
FRIDAY_4PM = datetime(2026, 11, 27, 16, tzinfo=UTC)


def a_complaint(actor, project, *, title="The pick lists print twice", **kwargs):
    kwargs.setdefault("severity", TicketSeverity.HIGH)
    kwargs.setdefault("now", FRIDAY_4PM)
    return ticket_raise(
        actor=actor,
        project=project,
        kind=TicketKind.COMPLAINT,
        title=title,
        description=kwargs.pop("description", "Since Monday **every** pick list prints twice."),
        **kwargs,
    )


def an_internal_complaint(actor, project, **kwargs):
    return a_complaint(
        actor,
        project,
        title="Warehouse lead grumbled on the phone",
        visibility=Visibility.INTERNAL,
        **kwargs,
    )
