"""Business-hours arithmetic for complaint SLAs: pure functions, no database.

A `BusinessCalendar` names the provider's time zone, its working hours (one window a day, such as
09:00-18:00), its working days (Monday to Friday by default), its holidays and its make-up
working days (from the provider organisation's working calendar, accounts.calendars). SLA targets
are counted in business time: a first response due "4 business hours" after a complaint raised
on Friday at 16:00 is due on Monday at 11:00 — in the provider's local time, whatever the
daylight-saving changes in between (each day's window is built from the local wall clock, so a
working day is always its nominal length, and a window that crosses a DST jump counts only the
real time in it).

Everything takes and returns aware datetimes; naive ones are refused.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

# More days than any target reaches: a calendar with no working day cannot loop forever.
_MAX_DAYS = 366 * 5


@dataclass(frozen=True)
class BusinessCalendar:
    time_zone: zoneinfo.ZoneInfo
    opens: time = time(9, 0)
    closes: time = time(18, 0)
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
    holidays: frozenset[date] = field(default_factory=frozenset)
    # Days worked that would be off (make-up working days); a holiday wins over one.
    extra_working_days: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError("A working day closes after it opens.")
        if not self.working_days or not self.working_days <= set(range(7)):
            raise ValueError("Working days are weekday numbers 0 (Monday) to 6 (Sunday).")

    @classmethod
    def from_strings(
        cls, *, time_zone: str, hours: str = "09:00-18:00", days: str = "1-5"
    ) -> BusinessCalendar:
        """Build from settings-style strings: hours "09:00-18:00", days "1-5" or "1,2,3,4,5,6"
        (ISO numbers, Monday = 1)."""
        opens_text, closes_text = (part.strip() for part in hours.split("-", 1))
        working: set[int] = set()
        for part in days.split(","):
            part = part.strip()
            if "-" in part:
                first, last = (int(x) for x in part.split("-", 1))
                working.update(range(first - 1, last))
            elif part:
                working.add(int(part) - 1)
        return cls(
            time_zone=zoneinfo.ZoneInfo(time_zone),
            opens=time.fromisoformat(opens_text),
            closes=time.fromisoformat(closes_text),
            working_days=frozenset(working),
        )

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day in self.extra_working_days or day.weekday() in self.working_days

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The working window of a local day, as aware datetimes in the calendar's zone."""
        return (
            datetime.combine(day, self.opens, tzinfo=self.time_zone),
            datetime.combine(day, self.closes, tzinfo=self.time_zone),
        )


def _require_aware(*moments: datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("Business time needs aware datetimes.")


def _real(delta_end: datetime, delta_start: datetime) -> timedelta:
    """Elapsed real time between two aware datetimes (UTC arithmetic, DST-proof)."""
    return delta_end.astimezone(zoneinfo.ZoneInfo("UTC")) - delta_start.astimezone(
        zoneinfo.ZoneInfo("UTC")
    )


def add_business_time(start: datetime, duration: timedelta, calendar: BusinessCalendar) -> datetime:
    """The moment `duration` of business time after `start`. Time outside the working windows
    does not count; a start outside them counts from the next opening. A zero duration from
    inside a window is `start` itself; from outside, the next opening. Returns a datetime in
    the calendar's zone."""
    _require_aware(start)
    if duration < timedelta(0):
        raise ValueError("A business duration is not negative.")
    remaining = duration
    current = start.astimezone(calendar.time_zone)
    day = current.date()
    for _ in range(_MAX_DAYS):
        if calendar.is_working_day(day):
            opens, closes = calendar.window(day)
            begin = max(current, opens, key=lambda moment: moment.timestamp())
            if begin.timestamp() < closes.timestamp():
                available = _real(closes, begin)
                if remaining <= available:
                    return (begin.astimezone(zoneinfo.ZoneInfo("UTC")) + remaining).astimezone(
                        calendar.time_zone
                    )
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("The calendar has no working time within five years.")


def business_time_between(start: datetime, end: datetime, calendar: BusinessCalendar) -> timedelta:
    """Business time from `start` to `end` (negative if `end` is earlier)."""
    _require_aware(start, end)
    if end.timestamp() < start.timestamp():
        return -business_time_between(end, start, calendar)
    total = timedelta(0)
    first = start.astimezone(calendar.time_zone).date()
    last = end.astimezone(calendar.time_zone).date()
    day = first
    while day <= last:
        if calendar.is_working_day(day):
            opens, closes = calendar.window(day)
            begin = max(start, opens, key=lambda moment: moment.timestamp())
            finish = min(end, closes, key=lambda moment: moment.timestamp())
            if finish.timestamp() > begin.timestamp():
                total += _real(finish, begin)
        day += timedelta(days=1)
    return total


@dataclass(frozen=True)
class ClockState:
    """Where an SLA clock stands at `now`: running with business time left, met, or breached."""

    due_at: datetime | None
    done_at: datetime | None
    remaining: timedelta | None  # business time left (negative: overdue), None when stopped

    @property
    def applies(self) -> bool:
        return self.due_at is not None

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_breached(self) -> bool:
        if self.due_at is None:
            return False
        if self.done_at is not None:
            return self.done_at > self.due_at
        return self.remaining is not None and self.remaining <= timedelta(0)

    @property
    def is_met(self) -> bool:
        return self.due_at is not None and self.done_at is not None and not self.is_breached


def clock_state(
    *,
    due_at: datetime | None,
    done_at: datetime | None,
    now: datetime,
    calendar: BusinessCalendar,
) -> ClockState:
    """The state of one clock (first response or resolution) at `now`."""
    if due_at is None or done_at is not None:
        return ClockState(due_at=due_at, done_at=done_at, remaining=None)
    if now.timestamp() >= due_at.timestamp():
        # Overdue: how long, in real time, so that a breach keeps growing over the weekend.
        return ClockState(due_at=due_at, done_at=None, remaining=-_real(now, due_at))
    return ClockState(
        due_at=due_at, done_at=None, remaining=business_time_between(now, due_at, calendar)
    )


def format_duration(delta: timedelta) -> tuple[int, int, int]:
    """(days, hours, minutes) of the absolute value of `delta`, for display."""
    seconds = int(abs(delta).total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    return days, hours, seconds // 60
