"""When schedules fire: the client's local hour, across daylight-saving changes, in several time
zones, every two weeks and monthly (pure computation, no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from reports.schedule import current_period, next_run_after, period_ending_at


@dataclass
class Plan:
    cadence: str = "weekly"
    weekday: int = 0  # Monday
    day_of_month: int = 1
    hour: int = 9
    anchor_date: date = date(2026, 1, 5)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def runs(plan: Plan, start: datetime, zone: str, count: int) -> list[datetime]:
    found, after = [], start
    for _ in range(count):
        after = next_run_after(plan, after, zone)
        found.append(after)
    return found


def test_berlin_monday_nine_moves_one_utc_hour_when_summer_time_starts():
    # Clocks go forward in Europe on Sunday 29 March 2026.
    assert runs(Plan(), utc(2026, 3, 20), "Europe/Berlin", 2) == [
        utc(2026, 3, 23, 8),  # 09:00 CET = 08:00 UTC
        utc(2026, 3, 30, 7),  # 09:00 CEST = 07:00 UTC
    ]


def test_berlin_back_to_winter_time():
    # Clocks go back on Sunday 25 October 2026.
    assert runs(Plan(), utc(2026, 10, 13), "Europe/Berlin", 2) == [
        utc(2026, 10, 19, 7),  # CEST
        utc(2026, 10, 26, 8),  # CET, the day after the change
    ]


def test_new_york_across_its_own_change_date():
    # The United States change on Sunday 8 March 2026, three weeks before Europe.
    assert runs(Plan(hour=8), utc(2026, 3, 1), "America/New_York", 2) == [
        utc(2026, 3, 2, 13),  # 08:00 EST
        utc(2026, 3, 9, 12),  # 08:00 EDT
    ]


def test_shanghai_has_no_daylight_saving_and_is_ahead_of_utc():
    # Monday 09:00 in Shanghai is Monday 01:00 UTC, all year.
    assert runs(Plan(), utc(2026, 3, 20), "Asia/Shanghai", 3) == [
        utc(2026, 3, 23, 1),
        utc(2026, 3, 30, 1),
        utc(2026, 4, 6, 1),
    ]


def test_same_instant_gives_each_client_its_own_local_hour():
    after = utc(2026, 6, 1, 0, 30)  # Monday 1 June, 00:30 UTC
    assert next_run_after(Plan(), after, "Asia/Shanghai") == utc(2026, 6, 1, 1)
    assert next_run_after(Plan(), after, "Europe/Berlin") == utc(2026, 6, 1, 7)
    assert next_run_after(Plan(), after, "America/New_York") == utc(2026, 6, 1, 13)


def test_run_at_exactly_now_is_not_next_run():
    assert next_run_after(Plan(), utc(2026, 6, 1, 7), "Europe/Berlin") == utc(2026, 6, 8, 7)


def test_hour_skipped_by_the_clock_change_fires_an_hour_later_on_the_wall_clock():
    # Sunday 29 March 2026 has no 02:00-03:00 in Berlin; a Sunday 02:00 report goes at 03:00.
    plan = Plan(weekday=6, hour=2)
    assert next_run_after(plan, utc(2026, 3, 28), "Europe/Berlin") == utc(2026, 3, 29, 1)


def test_hour_repeated_by_the_clock_change_fires_once():
    # Sunday 25 October 2026: 02:00-03:00 happens twice in Berlin; only the first one fires.
    plan = Plan(weekday=6, hour=2)
    first = next_run_after(plan, utc(2026, 10, 24), "Europe/Berlin")
    assert first == utc(2026, 10, 25, 0)  # 02:00 CEST
    assert next_run_after(plan, first, "Europe/Berlin") == utc(2026, 11, 1, 1)


def test_every_two_weeks_counts_from_the_anchor_week():
    plan = Plan(cadence="biweekly", weekday=2, anchor_date=date(2026, 1, 5))
    fired = runs(plan, utc(2026, 1, 1), "UTC", 3)
    assert [run.date() for run in fired] == [date(2026, 1, 7), date(2026, 1, 21), date(2026, 2, 4)]


def test_monthly_on_the_31st_uses_the_last_day_of_shorter_months():
    plan = Plan(cadence="monthly", day_of_month=31, hour=18)
    fired = runs(plan, utc(2026, 1, 1), "Asia/Shanghai", 4)
    assert [run.astimezone(UTC) for run in fired] == [
        utc(2026, 1, 31, 10),
        utc(2026, 2, 28, 10),
        utc(2026, 3, 31, 10),
        utc(2026, 4, 30, 10),
    ]


@pytest.mark.parametrize(
    ("cadence", "start"),
    [
        ("weekly", date(2026, 3, 23)),
        ("biweekly", date(2026, 3, 16)),
        ("monthly", date(2026, 2, 28)),
    ],
)
def test_period_runs_from_the_previous_run_day_to_the_run_day(cadence, start):
    plan = Plan(cadence=cadence, day_of_month=31, anchor_date=date(2026, 3, 16))
    period = period_ending_at(plan, utc(2026, 3, 30, 7), "Europe/Berlin")
    assert (period.start, period.end) == (start, date(2026, 3, 30))


def test_period_end_is_the_clients_local_day():
    # 23:30 UTC Sunday is already Monday in Shanghai.
    plan = Plan(hour=7)
    period = period_ending_at(plan, utc(2026, 3, 29, 23), "Asia/Shanghai")
    assert period.end == date(2026, 3, 30)


def test_current_period_is_the_one_the_next_run_closes():
    period = current_period(Plan(), utc(2026, 3, 25, 12), "Europe/Berlin")
    assert (period.start, period.end) == (date(2026, 3, 23), date(2026, 3, 30))
