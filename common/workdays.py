"""Working-day arithmetic over a working calendar: pure functions, no database.

A `WorkCalendar` names the working weekdays (Monday = 0), the hours of a working day, the
holidays (days off that would otherwise be worked) and the extra working days (days worked that
would otherwise be off, such as China's make-up working Saturdays). A day is a working day when
it is an extra working day, or a working weekday that is not a holiday; a date in both sets is a
holiday (whoever builds the calendar decides which wins and keeps the sets apart).

`WorkCalendar.default()` is Monday to Friday, 8 hours, no holidays: what contracts counted before
calendars could be configured, and what an organisation without a calendar still gets.

Counting: `add_working_days(start, n)` is the n-th working day after `start` (a non-working
start counts from the next working day, as `start` itself is never counted);
`working_days_between(start, end)` is how many working days lie after `start` up to and
including `end` (0 when `end` is not after `start`). The two undo each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

MONDAY_TO_FRIDAY = frozenset({0, 1, 2, 3, 4})
DEFAULT_HOURS_PER_DAY = Decimal(8)
# Further than any count reaches: a calendar with (almost) no working day cannot loop forever.
_MAX_DAYS = 366 * 20


@dataclass(frozen=True)
class WorkCalendar:
    working_weekdays: frozenset[int] = MONDAY_TO_FRIDAY  # Monday = 0 ... Sunday = 6
    hours_per_day: Decimal = DEFAULT_HOURS_PER_DAY
    holidays: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.working_weekdays or not self.working_weekdays <= set(range(7)):
            raise ValueError("Working weekdays are weekday numbers 0 (Monday) to 6 (Sunday).")
        if not Decimal(0) < self.hours_per_day <= Decimal(24):
            raise ValueError("A working day has more than 0 and at most 24 hours.")

    @classmethod
    def default(cls) -> WorkCalendar:
        """Monday to Friday, 8 hours a day, no holidays."""
        return _DEFAULT

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day in self.extra_working_days or day.weekday() in self.working_weekdays

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (`start` itself never counts, so a
        non-working start counts from the next working day); `start` when `days` <= 0."""
        current = start
        remaining = days
        for _ in range(_MAX_DAYS):
            if remaining <= 0:
                return current
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        raise ValueError("The calendar has too few working days to count that far.")

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 if `end` <= `start`)."""
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count


_DEFAULT = WorkCalendar()
