"""Business days as contracts count them for deemed acceptance: working days of a calendar
(`common.workdays.WorkCalendar`; for deemed acceptance, the client organisation's, from
`accounts.calendars.calendar_for_organization`). Without a calendar, Monday to Friday."""

from __future__ import annotations

from datetime import date

from common.workdays import WorkCalendar


def add_business_days(start: date, days: int, calendar: WorkCalendar | None = None) -> date:
    """The date `days` business days after `start` (a non-working start counts from the next
    working day)."""
    return (calendar or WorkCalendar.default()).add_working_days(start, days)


def business_days_between(start: date, end: date, calendar: WorkCalendar | None = None) -> int:
    """Business days after `start` up to and including `end` (0 if end <= start)."""
    return (calendar or WorkCalendar.default()).working_days_between(start, end)
