"""Display helpers of ticket pages: SLA clocks and frozen status labels (durations and
relative times: common/templatetags/formatting.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from common.markup import escaped
from common.templatetags.formatting import duration, relative

register = template.Library()


@register.simple_tag
def sla_clock(clock: Any, label: str) -> SafeString:
    """One SLA clock (feedback.sla.ClockState) with its `label`: met or late once stopped,
    overdue by how long, or due when (in the provider's business hours), and its due moment.
    Written in Python: a list of tickets shows one or two a row. It is the markup the template
    it replaces wrote (tests/feedback/test_sla_clock.py), a line break after it; nothing but that
    when the clock does not apply."""
    if not clock.applies:
        return SafeString("\n")
    # `{% translate %}` writes its words as they are (not escaped: they are ours). Each is
    # looked up outside the f-strings, where makemessages finds it.
    late, met, due_word = gettext("late"), gettext("met"), gettext("due")
    business_hours = gettext("Business hours of the provider")
    ends = "\n"  # the line break the template wrote after a stopped or overdue clock's state
    if clock.is_done:
        state = (
            f'<span class="badge text-bg-danger">{late}</span>'
            if clock.is_breached
            else f'<span class="badge text-bg-success">{met}</span>'
        )
    elif clock.is_breached:
        overdue = gettext("overdue by %(time)s") % {
            "time": escaped(duration(clock.remaining, "plain"))
        }
        state = f'<span class="badge text-bg-danger" data-testid="sla-breached">{overdue}</span>'
    else:
        ends = ""
        due = gettext("due %(when)s") % {"when": escaped(relative(clock.due_at))}
        state = (
            '<span class="badge text-bg-light border" '
            f'title="{business_hours}" data-testid="sla-due">{due}</span>'
        )
    due_before = f"{due_word} " if clock.is_done or clock.is_breached else ""
    moment = escaped(date_filter(timezone.localtime(clock.due_at), "SHORT_DATETIME_FORMAT"))
    return mark_safe(  # noqa: S308  (every value is escaped)
        '<span class="sla-clock small d-inline-block" data-testid="sla-clock">'
        f"{escaped(label)}:\n{state}{ends}\n"
        f'<span class="text-body-secondary">({due_before}{moment})</span></span>\n'
    )


@register.filter
def ticket_status_label(code: str) -> str:
    """The label of a frozen status code, in the reader's language (status reports)."""
    from feedback.models import TicketStatus

    return str(TicketStatus(code).label) if code in TicketStatus.values else code


@register.filter
def ticket_severity_label(code: str) -> str:
    from feedback.models import TicketSeverity

    return str(TicketSeverity(code).label) if code in TicketSeverity.values else code
