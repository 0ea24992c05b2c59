"""Business days as contracts count them for deemed acceptance (projects.calendar)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from projects.calendar import add_business_days, business_days_between

# One week of January 2025.
MONDAY = date(2025, 1, 6)
TUESDAY = date(2025, 1, 7)
WEDNESDAY = date(2025, 1, 8)
THURSDAY = date(2025, 1, 9)
FRIDAY = date(2025, 1, 10)
SATURDAY = date(2025, 1, 11)
SUNDAY = date(2025, 1, 12)
NEXT_MONDAY = date(2025, 1, 13)
NEXT_TUESDAY = date(2025, 1, 14)
NEXT_WEDNESDAY = date(2025, 1, 15)
NEXT_FRIDAY = date(2025, 1, 17)


def test_the_dates_are_the_weekdays_their_names_say():
    names = [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY]
    assert [day.weekday() for day in names] == [0, 1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (MONDAY, 0, MONDAY),
        (MONDAY, 1, TUESDAY),
        (MONDAY, 4, FRIDAY),
        (MONDAY, 5, NEXT_MONDAY),
        (THURSDAY, 1, FRIDAY),
        (THURSDAY, 2, NEXT_MONDAY),
        (FRIDAY, 1, NEXT_MONDAY),
        (FRIDAY, 3, NEXT_WEDNESDAY),
        (FRIDAY, 5, NEXT_FRIDAY),
        (FRIDAY, 10, date(2025, 1, 24)),
        # A weekend start counts from Monday: Monday is the first business day after it.
        (SATURDAY, 1, NEXT_MONDAY),
        (SATURDAY, 3, NEXT_WEDNESDAY),
        (SUNDAY, 1, NEXT_MONDAY),
        (SUNDAY, 2, NEXT_TUESDAY),
        (SUNDAY, 5, NEXT_FRIDAY),
    ],
)
def test_add_business_days(start, days, expected):
    assert add_business_days(start, days) == expected


def test_add_business_days_never_lands_on_a_weekend():
    for offset in range(14):
        start = MONDAY + timedelta(days=offset)
        for days in range(1, 12):
            assert add_business_days(start, days).weekday() < 5, (start, days)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (MONDAY, MONDAY, 0),
        (MONDAY, TUESDAY, 1),
        (MONDAY, FRIDAY, 4),
        (MONDAY, SUNDAY, 4),
        (MONDAY, NEXT_MONDAY, 5),
        (FRIDAY, SATURDAY, 0),
        (FRIDAY, SUNDAY, 0),
        (FRIDAY, NEXT_MONDAY, 1),
        (FRIDAY, NEXT_WEDNESDAY, 3),
        (SATURDAY, SUNDAY, 0),
        (SATURDAY, NEXT_MONDAY, 1),
        (SATURDAY, NEXT_WEDNESDAY, 3),
        (SUNDAY, NEXT_MONDAY, 1),
        (SUNDAY, NEXT_FRIDAY, 5),
        # An end on or before the start counts nothing.
        (NEXT_WEDNESDAY, FRIDAY, 0),
        (SUNDAY, SATURDAY, 0),
    ],
)
def test_business_days_between(start, end, expected):
    assert business_days_between(start, end) == expected


def test_business_days_between_undoes_add_business_days():
    for offset in range(14):
        start = MONDAY + timedelta(days=offset)
        for days in range(12):
            assert business_days_between(start, add_business_days(start, days)) == days, (
                start,
                days,
            )
