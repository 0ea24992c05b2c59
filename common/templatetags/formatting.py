"""{% load formatting %}: numbers, money, percentages and durations in the reader's language.

    {{ project.budget|money:project.currency }}   €488,400.00
    {{ entry.hours|number:1 }}                     1,234.5
    {{ task.percent_complete|percent }}            42%   (percentage points, not a fraction)
    {{ delta|duration }}                           in 1 day · 2 hours ago
    {{ delta|duration:"plain" }}                   3 hours
    {{ ticket.due_at|relative }}                   in 1 day   (from now; |relative:now to choose)
    {{ "2026-11-20"|fromiso|date:"DATE_FORMAT" }}   Nov 20, 2026 (ISO text of a snapshot)
    {{ task.due_date|day }}                        11/20/2026 (|date:"SHORT_DATE_FORMAT")

Dates use Django's `date` filter with the named formats ("DATE_FORMAT", "SHORT_DATETIME_FORMAT"),
which config/formats sets to one style per language. Each filter wraps common/formatting.py; a
value it cannot read is shown as it is rather than breaking the page.
"""

from __future__ import annotations

import datetime as dt
from decimal import InvalidOperation
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter

from common import formatting

register = template.Library()

UNREADABLE = (InvalidOperation, TypeError, ValueError)


def _decimals(arg: Any, default: int | None) -> int | None:
    if arg is None or arg == "":
        return default
    return int(arg)


@register.filter
def money(value: Any, currency: str | None = None) -> str:
    try:
        return formatting.money(value, currency)
    except UNREADABLE:
        return str(value)


@register.filter
def number(value: Any, decimals: Any = None) -> str:
    try:
        return formatting.number(value, _decimals(decimals, None))
    except UNREADABLE:
        return str(value)


@register.filter
def percent(value: Any, decimals: Any = 0) -> str:
    try:
        return formatting.percent(value, _decimals(decimals, 0) or 0)
    except UNREADABLE:
        return str(value)


@register.filter
def duration(value: dt.timedelta | None, style: str = "") -> str:
    """With a direction ("in 1 day", "2 hours ago"); `duration:"plain"` the length alone."""
    if value is not None and not isinstance(value, dt.timedelta):
        return str(value)
    return formatting.duration(value, direction=style != "plain")


@register.filter
def relative(value: dt.datetime | dt.date | None, now: Any = None) -> str:
    if value is not None and not isinstance(value, dt.date):
        return str(value)
    return formatting.relative(value, now if isinstance(now, dt.date) else None)


@register.filter
def fromiso(value: str | dt.date | None) -> dt.date | None:
    """A date kept as ISO text (a report's snapshot) as a date, for the date filter:
    `{{ c.raised|fromiso|date:"DATE_FORMAT" }}`; None or unreadable text gives None."""
    if not value or isinstance(value, dt.date):
        return value or None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@register.filter(expects_localtime=True)
def day(value: Any, format_name: str = "SHORT_DATE_FORMAT") -> str:
    """`|date:"SHORT_DATE_FORMAT"` (or the named format given) for a day, each day written once
    per language and format in a process: a schedule of a hundred tasks writes six dates a row,
    most of them the same few days. Any other value goes to the date filter."""
    if type(value) is not dt.date:
        return date_filter(value, format_name)
    return formatting.day_text(value, format_name)
