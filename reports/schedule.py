"""When a schedule fires and which period a report covers, in the client's time zone.

A schedule fires at `hour`:00 local time on its day (a weekday every week or every other week
counted from `anchor_date`, or a day of the month, the last day in shorter months). Local times
become UTC through `zoneinfo`, so the UTC hour moves with daylight saving time: 09:00 in Berlin
is 08:00 UTC in winter and 07:00 UTC in summer. A local hour that does not exist (the hour
skipped when clocks go forward) fires at the same distance after midnight in the old offset,
that is one hour later on the wall clock; an hour that happens twice (clocks go back) fires the
first time only.
"""

from __future__ import annotations

import calendar
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

SEARCH_DAYS = 70  # longer than any cadence: a due day is always found within it


class ScheduleLike(Protocol):
    cadence: str
    weekday: int
    day_of_month: int
    hour: int
    anchor_date: date


def zone_of(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_day(year: int, month: int, day_of_month: int) -> date:
    return date(year, month, min(day_of_month, calendar.monthrange(year, month)[1]))


def is_run_day(schedule: ScheduleLike, day: date) -> bool:
    if schedule.cadence == "monthly":
        return day == _month_day(day.year, day.month, schedule.day_of_month)
    if day.weekday() != schedule.weekday:
        return False
    if schedule.cadence == "biweekly":
        weeks = (monday_of(day) - monday_of(schedule.anchor_date)).days // 7
        return weeks % 2 == 0
    return True


def local_run_time(schedule: ScheduleLike, day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    """The UTC instant of the run on local `day` (fold=0: the first of a repeated hour)."""
    return datetime.combine(day, time(schedule.hour), tzinfo=zone).astimezone(UTC)


def next_run_after(schedule: ScheduleLike, after: datetime, time_zone: str) -> datetime:
    """The first run strictly after `after` (aware), as an aware UTC datetime."""
    zone = zone_of(time_zone)
    day = after.astimezone(zone).date()
    for offset in range(SEARCH_DAYS):
        candidate = day + timedelta(days=offset)
        if is_run_day(schedule, candidate):
            run = local_run_time(schedule, candidate, zone)
            if run > after:
                return run
    raise AssertionError("a schedule always has a run day within SEARCH_DAYS")  # pragma: no cover


def previous_run_day(schedule: ScheduleLike, day: date) -> date:
    """The run day before `day` (the start of the period that ends on `day`)."""
    if schedule.cadence == "monthly":
        year, month = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
        return _month_day(year, month, schedule.day_of_month)
    if schedule.cadence == "biweekly":
        return day - timedelta(days=14)
    return day - timedelta(days=7)


@dataclass(frozen=True)
class Period:
    """A report's period: from the previous run day (included) to the run day (included), the
    day the report is sent, in the client's time zone."""

    start: date
    end: date
    run_at: datetime  # the scheduled instant (UTC) the period ends with

    @property
    def next_end(self) -> date:
        return self.end + (self.end - self.start)


def period_ending_at(schedule: ScheduleLike, run_at: datetime, time_zone: str) -> Period:
    """The period of the run at `run_at` (a scheduled instant)."""
    end = run_at.astimezone(zone_of(time_zone)).date()
    return Period(start=previous_run_day(schedule, end), end=end, run_at=run_at)


def current_period(schedule: ScheduleLike, now: datetime, time_zone: str) -> Period:
    """The period in progress at `now`: the one the next scheduled run will close. "Send now"
    sends its report early; the scheduled run then finds it sent and sends nothing."""
    return period_ending_at(schedule, next_run_after(schedule, now, time_zone), time_zone)
