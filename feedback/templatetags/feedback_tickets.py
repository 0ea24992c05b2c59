"""Display helpers of ticket pages: SLA clocks and frozen status labels (durations and
relative times: common/templatetags/formatting.py)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("feedback/tickets/_sla_clock.html")
def sla_clock(clock: object, label: str) -> dict[str, object]:
    return {"clock": clock, "label": label}


@register.filter
def ticket_status_label(code: str) -> str:
    """The label of a frozen status code, in the reader's language (status reports)."""
    from feedback.models import TicketStatus

    return str(TicketStatus(code).label) if code in TicketStatus.values else code


@register.filter
def ticket_severity_label(code: str) -> str:
    from feedback.models import TicketSeverity

    return str(TicketSeverity(code).label) if code in TicketSeverity.values else code
