"""Working calendars: the pure arithmetic (common.workdays) and organisations' calendars built
from the `holidays` package and their own days (accounts.calendars). Every date is fixed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.calendars import calendar_for_organization
from accounts.models import CalendarDay, WorkingCalendar, holiday_country_codes
from common.workdays import WorkCalendar
from projects.calendar import add_business_days, business_days_between
from tests.factories import OrganizationFactory

# China's National Day week of 2025: Wednesday 1 to Wednesday 8 October off (the weekend of
# the 4th and 5th included; the 6th is the Mid-Autumn Festival), Sunday 28 September and
# Saturday 11 October worked instead (make-up working days).
CN_MAKE_UP_SUNDAY = date(2025, 9, 28)
CN_MAKE_UP_SATURDAY = date(2025, 10, 11)
TUESDAY_30_SEPTEMBER = date(2025, 9, 30)


def cn_client():
    client = OrganizationFactory(name="Shanghai Client", time_zone="Asia/Shanghai")
    WorkingCalendar.objects.create(organization=client, country="CN")
    return client


# --- The arithmetic ------------------------------------------------------------------------------


def test_the_default_calendar_is_monday_to_friday_eight_hours_without_holidays():
    default = WorkCalendar.default()
    assert default.working_weekdays == frozenset({0, 1, 2, 3, 4})
    assert default.hours_per_day == Decimal(8)
    assert default.holidays == frozenset()
    assert default.extra_working_days == frozenset()


def test_holidays_and_extra_working_days_move_the_count():
    # From Friday 19 December 2025, Christmas Day and Boxing Day (Thursday 25 and Friday 26)
    # off, Saturday 27 worked. + 3: Mon 22, Tue 23, Wed 24. + 4: Sat 27 (25 and 26 skipped);
    # Monday to Friday alone: Thu 25.
    calendar = WorkCalendar(
        holidays=frozenset({date(2025, 12, 25), date(2025, 12, 26)}),
        extra_working_days=frozenset({date(2025, 12, 27)}),
    )
    friday = date(2025, 12, 19)
    assert calendar.add_working_days(friday, 3) == date(2025, 12, 24)
    assert calendar.add_working_days(friday, 4) == date(2025, 12, 27)
    assert WorkCalendar.default().add_working_days(friday, 4) == date(2025, 12, 25)
    # Between Friday 19 and Monday 29: 22, 23, 24, 27, 29 = 5 (25, 26, 28 are off).
    assert calendar.working_days_between(friday, date(2025, 12, 29)) == 5


def test_a_non_working_start_counts_from_the_next_working_day():
    # Thursday 25 December off: + 1 is Friday 26.
    calendar = WorkCalendar(holidays=frozenset({date(2025, 12, 25)}))
    assert calendar.add_working_days(date(2025, 12, 25), 1) == date(2025, 12, 26)


def test_a_holiday_wins_over_an_extra_working_day_on_the_same_date():
    day = date(2025, 12, 27)
    calendar = WorkCalendar(holidays=frozenset({day}), extra_working_days=frozenset({day}))
    assert not calendar.is_working_day(day)


def test_a_calendar_needs_a_working_weekday():
    with pytest.raises(ValueError, match="weekday"):
        WorkCalendar(working_weekdays=frozenset())


def test_the_project_functions_take_a_calendar():
    calendar = WorkCalendar(holidays=frozenset({date(2025, 12, 25), date(2025, 12, 26)}))
    # Wednesday 24 + 1: the 25th by default, Monday 29 with Christmas off.
    assert add_business_days(date(2025, 12, 24), 1) == date(2025, 12, 25)
    assert add_business_days(date(2025, 12, 24), 1, calendar) == date(2025, 12, 29)
    assert business_days_between(date(2025, 12, 24), date(2025, 12, 29), calendar) == 1


# --- Organisations' calendars --------------------------------------------------------------------


def test_the_package_knows_china_germany_and_the_united_states():
    codes = holiday_country_codes()
    assert {"CN", "DE", "US"} <= set(codes)
    assert all(len(code) == 2 for code in codes)
    assert "UK" not in codes  # an alias of GB


@pytest.mark.django_db
def test_chinas_national_day_week_and_its_make_up_working_days():
    calendar = calendar_for_organization(cn_client(), around=TUESDAY_30_SEPTEMBER)

    assert {date(2025, 10, day) for day in (1, 2, 3, 6, 7, 8)} <= calendar.holidays
    assert {CN_MAKE_UP_SUNDAY, CN_MAKE_UP_SATURDAY} <= calendar.extra_working_days
    assert [
        day.day
        for day in _days(date(2025, 9, 27), date(2025, 10, 12))
        if calendar.is_working_day(day)
    ] == [28, 29, 30, 9, 10, 11]
    # Tuesday 30 September + 3: Thu 9 (1), Fri 10 (2), Sat 11 (3, made up). Monday to Friday
    # alone would have said Friday 3 October, in the middle of the holiday.
    assert add_business_days(TUESDAY_30_SEPTEMBER, 3, calendar) == CN_MAKE_UP_SATURDAY
    assert add_business_days(TUESDAY_30_SEPTEMBER, 3) == date(2025, 10, 3)
    # From Friday 26 September to Monday 13 October: 28, 29, 30, 9, 10, 11, 13 = 7.
    assert business_days_between(date(2025, 9, 26), date(2025, 10, 13), calendar) == 7


@pytest.mark.django_db
def test_germany_berlin_has_christmas_and_womens_day():
    provider = OrganizationFactory(name="Berlin Office", time_zone="Europe/Berlin")
    WorkingCalendar.objects.create(organization=provider, country="DE", subdivision="BE")

    calendar = calendar_for_organization(provider, around=date(2025, 12, 24))

    assert {date(2025, 12, 25), date(2025, 12, 26), date(2026, 1, 1)} <= calendar.holidays
    assert date(2025, 3, 8) in calendar.holidays  # Berlin's own: International Women's Day
    assert date(2025, 12, 24) not in calendar.holidays
    assert calendar.extra_working_days == frozenset()


@pytest.mark.django_db
def test_the_organisations_own_days_win_over_the_countrys():
    client = cn_client()
    working_calendar = client.working_calendar
    # Worked on Thursday 2 October (a public holiday), off on Saturday 11 (a make-up day) and
    # on Tuesday 14 (an ordinary day).
    CalendarDay.objects.create(
        calendar=working_calendar, date=date(2025, 10, 2), kind=CalendarDay.Kind.WORKING_DAY
    )
    CalendarDay.objects.create(calendar=working_calendar, date=CN_MAKE_UP_SATURDAY, name="Offsite")
    CalendarDay.objects.create(calendar=working_calendar, date=date(2025, 10, 14), name="Retreat")

    calendar = calendar_for_organization(client, around=TUESDAY_30_SEPTEMBER)

    assert calendar.is_working_day(date(2025, 10, 2))
    assert not calendar.is_working_day(CN_MAKE_UP_SATURDAY)
    assert not calendar.is_working_day(date(2025, 10, 14))
    # Tuesday 30 September + 3: Thu 2 (1), Thu 9 (2), Fri 10 (3).
    assert add_business_days(TUESDAY_30_SEPTEMBER, 3, calendar) == date(2025, 10, 10)


@pytest.mark.django_db
def test_weekdays_and_hours_come_from_the_calendar():
    client = OrganizationFactory()
    WorkingCalendar.objects.create(
        organization=client, working_weekdays="1234", hours_per_day=Decimal("7.5")
    )

    calendar = calendar_for_organization(client, around=date(2025, 1, 6))

    assert calendar.working_weekdays == frozenset({0, 1, 2, 3})
    assert calendar.hours_per_day == Decimal("7.5")
    assert calendar.holidays == frozenset()  # no country
    # Thursday 9 January 2025 + 1: Monday 13 (Fridays are off).
    assert add_business_days(date(2025, 1, 9), 1, calendar) == date(2025, 1, 13)


@pytest.mark.django_db
def test_an_organisation_without_a_calendar_counts_monday_to_friday(
    django_assert_num_queries,
):
    client = OrganizationFactory()

    with django_assert_num_queries(1):
        calendar = calendar_for_organization(client, around=date(2025, 12, 24))
    with django_assert_num_queries(0):
        assert calendar_for_organization(client, around=date(2025, 12, 24)) == calendar

    assert calendar == WorkCalendar.default()
    assert calendar_for_organization(None) == WorkCalendar.default()


@pytest.mark.django_db
def test_a_calendar_costs_one_query_then_comes_from_the_cache(django_assert_num_queries):
    client = cn_client()
    CalendarDay.objects.create(calendar=client.working_calendar, date=date(2025, 10, 14))

    with django_assert_num_queries(1):
        first = calendar_for_organization(client, around=TUESDAY_30_SEPTEMBER)
    with django_assert_num_queries(0):
        again = calendar_for_organization(client, around=TUESDAY_30_SEPTEMBER)
    assert again == first


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["add day", "edit calendar", "delete day", "delete calendar"])
def test_a_saved_or_deleted_calendar_or_day_invalidates_the_cache(change):
    client = cn_client()
    working_calendar = client.working_calendar
    retreat = CalendarDay.objects.create(calendar=working_calendar, date=date(2025, 10, 14))
    before = calendar_for_organization(client, around=TUESDAY_30_SEPTEMBER)
    assert not before.is_working_day(date(2025, 10, 14))

    if change == "add day":
        CalendarDay.objects.create(calendar=working_calendar, date=date(2025, 10, 15))
    elif change == "edit calendar":
        working_calendar.country = "US"
        working_calendar.save()
    elif change == "delete day":
        retreat.delete()
    else:
        working_calendar.delete()
    after = calendar_for_organization(client, around=TUESDAY_30_SEPTEMBER)

    assert after != before
    expected = {
        "add day": lambda c: not c.is_working_day(date(2025, 10, 15)),
        "edit calendar": lambda c: c.is_working_day(date(2025, 10, 1)),  # not a US holiday
        "delete day": lambda c: c.is_working_day(date(2025, 10, 14)),
        "delete calendar": lambda c: c == WorkCalendar.default(),
    }[change]
    assert expected(after)


@pytest.mark.django_db
def test_a_region_must_belong_to_the_country():
    client = OrganizationFactory()
    calendar = WorkingCalendar(organization=client, country="DE", subdivision="XX")
    with pytest.raises(ValidationError) as error:
        calendar.full_clean()
    assert "subdivision" in error.value.message_dict
    WorkingCalendar(organization=client, country="DE", subdivision="BE").full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("weekdays", ["", "12355", "08", "12345678"])
def test_working_weekdays_are_distinct_iso_digits(weekdays):
    calendar = WorkingCalendar(organization=OrganizationFactory(), working_weekdays=weekdays)
    with pytest.raises(ValidationError) as error:
        calendar.full_clean()
    assert "working_weekdays" in error.value.message_dict


def _days(first: date, last: date) -> list[date]:
    return [date.fromordinal(ordinal) for ordinal in range(first.toordinal(), last.toordinal() + 1)]


# --- The admin -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_admin_sets_a_calendar_with_its_own_days_in_the_admin(client, staff_admin):
    organization = OrganizationFactory(name="Shanghai Client")
    client.force_login(staff_admin)
    url = reverse("admin:accounts_workingcalendar_add")

    page = client.get(url)
    response = client.post(
        url,
        {
            "organization": organization.pk,
            "country": "CN",
            "subdivision": "",
            "working_weekdays": ["1", "2", "3", "4", "5"],
            "hours_per_day": "8",
            "days-TOTAL_FORMS": "1",
            "days-INITIAL_FORMS": "0",
            "days-MIN_NUM_FORMS": "0",
            "days-MAX_NUM_FORMS": "1000",
            "days-0-date": "2025-10-14",
            "days-0-kind": "holiday",
            "days-0-name": "Retreat",
        },
    )

    assert page.status_code == 200
    assert 'value="CN"' in page.content.decode()
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = WorkingCalendar.objects.get(organization=organization)
    assert (saved.country, saved.working_weekdays) == ("CN", "12345")
    assert list(saved.days.values_list("date", "kind", "name")) == [
        (date(2025, 10, 14), "holiday", "Retreat")
    ]
    assert not calendar_for_organization(organization, around=date(2025, 10, 1)).is_working_day(
        date(2025, 10, 14)
    )
