"""Display helpers of ticket pages: SLA clocks and durations in words."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

from feedback.sla import format_duration

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """'2 d 3 h', '3 h 20 min', '12 min' (absolute value); a dash for None."""
    if value is None:
        return "–"
    days, hours, minutes = format_duration(value)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


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
