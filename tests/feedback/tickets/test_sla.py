"""SLA clocks in business hours of the provider's time zone: weekends, evenings, DST."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest

from feedback.sla import (
    BusinessCalendar,
    add_business_time,
    business_time_between,
    clock_state,
    format_duration,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def office(zone=LONDON, **kwargs) -> BusinessCalendar:
    return BusinessCalendar(time_zone=zone, **kwargs)


def at(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


def test_within_the_same_working_day():
    # Tuesday 10:00 + 4 h -> Tuesday 14:00
    assert add_business_time(at(LONDON, 2026, 11, 24, 10), timedelta(hours=4), office()) == at(
        LONDON, 2026, 11, 24, 14
    )


def test_evening_start_counts_from_next_morning():
    # Tuesday 20:30 + 2 h -> Wednesday 11:00
    due = add_business_time(at(LONDON, 2026, 11, 24, 20, 30), timedelta(hours=2), office())
    assert due == at(LONDON, 2026, 11, 25, 11)


def test_early_morning_start_counts_from_opening():
    due = add_business_time(at(LONDON, 2026, 11, 24, 6, 15), timedelta(hours=1), office())
    assert due == at(LONDON, 2026, 11, 24, 10)


def test_friday_afternoon_rolls_over_the_weekend():
    # Friday 16:00 + 4 h: 2 h on Friday, 2 h on Monday -> Monday 11:00
    due = add_business_time(at(LONDON, 2026, 11, 27, 16), timedelta(hours=4), office())
    assert due == at(LONDON, 2026, 11, 30, 11)


def test_saturday_start_counts_from_monday():
    due = add_business_time(at(LONDON, 2026, 11, 28, 12), timedelta(hours=3), office())
    assert due == at(LONDON, 2026, 11, 30, 12)


def test_exactly_at_closing_ends_at_closing_not_next_morning():
    due = add_business_time(at(LONDON, 2026, 11, 24, 9), timedelta(hours=9), office())
    assert due == at(LONDON, 2026, 11, 24, 18)


def test_forty_hours_is_a_working_week_and_a_bit():
    # Monday 09:00 + 40 h (9 h days): Mon..Thu = 36 h, 4 more on Friday -> Friday 13:00
    due = add_business_time(at(LONDON, 2026, 11, 23, 9), timedelta(hours=40), office())
    assert due == at(LONDON, 2026, 11, 27, 13)


def test_zero_duration_outside_hours_is_the_next_opening():
    due = add_business_time(at(LONDON, 2026, 11, 28, 12), timedelta(0), office())
    assert due == at(LONDON, 2026, 11, 30, 9)


def test_the_start_in_another_time_zone_is_read_in_the_providers():
    # 17:00 in Shanghai on Tuesday is 09:00 in London (GMT): the whole day is still ahead.
    start = at(SHANGHAI, 2026, 11, 24, 17)
    due = add_business_time(start, timedelta(hours=9), office())
    assert due == at(LONDON, 2026, 11, 24, 18)
    # And a complaint raised at 09:00 Shanghai time (01:00 in London) waits for London's day.
    due = add_business_time(at(SHANGHAI, 2026, 11, 24, 9), timedelta(hours=1), office())
    assert due == at(LONDON, 2026, 11, 24, 10)


def test_dst_spring_forward_keeps_local_office_hours():
    # Berlin moves to summer time on Sunday 29 March 2026. Friday 17:00 CET + 2 h -> Monday
    # 10:00 CEST, which is 08:00 UTC (on Friday the office opened at 08:00 UTC).
    due = add_business_time(at(BERLIN, 2026, 3, 27, 17), timedelta(hours=2), office(BERLIN))
    assert due == at(BERLIN, 2026, 3, 30, 10)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 8, tzinfo=UTC)
    # The weekend across the change counts nothing.
    assert business_time_between(
        at(BERLIN, 2026, 3, 27, 18), at(BERLIN, 2026, 3, 30, 9), office(BERLIN)
    ) == timedelta(0)


def test_dst_fall_back_keeps_local_office_hours():
    # New York returns to standard time on Sunday 1 November 2026.
    due = add_business_time(at(NEW_YORK, 2026, 10, 30, 17), timedelta(hours=2), office(NEW_YORK))
    assert due == at(NEW_YORK, 2026, 11, 2, 10)
    assert due.astimezone(UTC) == datetime(2026, 11, 2, 15, tzinfo=UTC)


def test_a_window_across_the_dst_jump_counts_real_time_only():
    # A night shift 01:00-05:00 every day: on the spring-forward night 02:00-03:00 does not
    # exist in Berlin, so that window holds 3 real hours, and the fall-back night holds 5.
    night = office(BERLIN, opens=time(1), closes=time(5), working_days=frozenset(range(7)))
    spring = business_time_between(at(BERLIN, 2026, 3, 29, 0), at(BERLIN, 2026, 3, 29, 12), night)
    assert spring == timedelta(hours=3)
    autumn = business_time_between(at(BERLIN, 2026, 10, 25, 0), at(BERLIN, 2026, 10, 25, 12), night)
    assert autumn == timedelta(hours=5)
    # Adding 4 h from 01:00 on the short night ends on the next night at 02:00.
    due = add_business_time(at(BERLIN, 2026, 3, 29, 1), timedelta(hours=4), night)
    assert due == at(BERLIN, 2026, 3, 30, 2)


def test_business_time_between_spans_weekend_and_evenings():
    # Friday 15:00 -> Monday 11:00 = 3 h + 2 h
    assert business_time_between(
        at(LONDON, 2026, 11, 27, 15), at(LONDON, 2026, 11, 30, 11), office()
    ) == timedelta(hours=5)
    # Reversed order is negative.
    assert business_time_between(
        at(LONDON, 2026, 11, 30, 11), at(LONDON, 2026, 11, 27, 15), office()
    ) == timedelta(hours=-5)


def test_add_and_between_agree():
    calendar = office(BERLIN)
    start = at(BERLIN, 2026, 3, 25, 14, 20)
    for hours in (1, 5, 9, 17, 40, 80):
        due = add_business_time(start, timedelta(hours=hours), calendar)
        assert business_time_between(start, due, calendar) == timedelta(hours=hours)


def test_holidays_and_custom_days_are_skipped():
    calendar = office(
        working_days=frozenset({0, 1, 2, 3, 4, 5}), holidays=frozenset({date(2026, 12, 25)})
    )
    # Thursday 24 Dec 17:00 + 2 h: 1 h Thursday, Friday is a holiday, Saturday is worked.
    due = add_business_time(at(LONDON, 2026, 12, 24, 17), timedelta(hours=2), calendar)
    assert due == at(LONDON, 2026, 12, 26, 10)


def test_from_strings_reads_settings_style_values():
    calendar = BusinessCalendar.from_strings(
        time_zone="Asia/Shanghai", hours="08:30-17:30", days="1-5,7"
    )
    assert calendar.opens == time(8, 30)
    assert calendar.closes == time(17, 30)
    assert calendar.working_days == frozenset({0, 1, 2, 3, 4, 6})


def test_invalid_calendars_and_inputs_are_refused():
    with pytest.raises(ValueError, match="closes after"):
        office(opens=time(18), closes=time(9))
    with pytest.raises(ValueError, match="Working days"):
        office(working_days=frozenset({7}))
    with pytest.raises(ValueError, match="aware"):
        add_business_time(datetime(2026, 11, 24, 10), timedelta(hours=1), office())  # noqa: DTZ001
    with pytest.raises(ValueError, match="not negative"):
        add_business_time(at(LONDON, 2026, 11, 24, 10), timedelta(hours=-1), office())


def test_clock_running_met_and_breached():
    calendar = office()
    due = at(LONDON, 2026, 11, 30, 11)
    running = clock_state(
        due_at=due, done_at=None, now=at(LONDON, 2026, 11, 27, 15), calendar=calendar
    )
    assert running.remaining == timedelta(hours=5)
    assert not running.is_breached
    late = clock_state(
        due_at=due, done_at=None, now=at(LONDON, 2026, 11, 30, 12, 30), calendar=calendar
    )
    assert late.is_breached
    assert late.remaining == -timedelta(hours=1, minutes=30)
    met = clock_state(
        due_at=due,
        done_at=at(LONDON, 2026, 11, 30, 10),
        now=at(LONDON, 2026, 12, 5, 9),
        calendar=calendar,
    )
    assert met.is_met
    assert not met.is_breached
    assert met.remaining is None
    missed = clock_state(
        due_at=due,
        done_at=at(LONDON, 2026, 11, 30, 12),
        now=at(LONDON, 2026, 12, 5, 9),
        calendar=calendar,
    )
    assert missed.is_breached
    assert not missed.is_met
    none = clock_state(due_at=None, done_at=None, now=at(LONDON, 2026, 12, 5, 9), calendar=calendar)
    assert not none.applies
    assert not none.is_breached


def test_format_duration():
    assert format_duration(timedelta(days=1, hours=3, minutes=5)) == (1, 3, 5)
    assert format_duration(-timedelta(hours=2, minutes=30)) == (0, 2, 30)
