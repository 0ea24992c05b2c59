"""A person's own calendar (accounts.calendars.calendar_for_user): their organisation's public
holidays, own days and make-up working days, with their part-time weekdays and hours and their
leave off; and its weekly capacity. Every date is fixed and every figure computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts.calendars import (
    calendar_day_add,
    calendar_for_user,
    calendars_changed,
    calendars_for_users,
    leave_add,
    leave_delete,
    personal_calendar_update,
    week_capacity,
    working_calendar_update,
)
from accounts.models import CalendarDay, Leave, PersonalCalendar, WorkingCalendar
from common.errors import InvalidInput, NotAllowed, NotFound
from common.workdays import WorkCalendar
from tests.factories import OrganizationFactory, UserFactory, provider_organization

pytestmark = pytest.mark.django_db

# Monday 4 January 2027: an ordinary week in Germany and without a country.
ORDINARY_MONDAY = date(2027, 1, 4)
# Monday 21 December 2026: in Germany, Friday 25 (Christmas Day) is a public holiday, Saturday 26
# (St Stephen's Day) falls on the weekend and Thursday 24 is worked.
CHRISTMAS_MONDAY = date(2026, 12, 21)
# Monday 22 September 2025: in China, Sunday 28 September is a make-up working day (for the
# National Day week).
CN_MAKE_UP_MONDAY = date(2025, 9, 22)


def german_provider() -> None:
    WorkingCalendar.objects.create(organization=provider_organization(), country="DE")


def part_time(user, weekdays: str = "123", hours: str | None = "6") -> PersonalCalendar:
    return PersonalCalendar.objects.create(
        user=user,
        working_weekdays=weekdays,
        hours_per_day=Decimal(hours) if hours is not None else None,
    )


def test_without_a_calendar_of_their_own_a_person_works_the_organisations(cast):
    german_provider()
    calendar = calendar_for_user(cast.teammate, around=CHRISTMAS_MONDAY)
    assert calendar.working_weekdays == frozenset({0, 1, 2, 3, 4})
    assert calendar.hours_per_day == Decimal(8)
    assert date(2026, 12, 25) in calendar.holidays
    # Monday 21 to Thursday 24: 4 days of 8 hours.
    assert week_capacity(calendar, CHRISTMAS_MONDAY) == Decimal(32)
    assert week_capacity(calendar, ORDINARY_MONDAY) == Decimal(40)


def test_part_time_monday_to_wednesday_six_hours_is_eighteen_hours_a_week(cast):
    part_time(cast.teammate)
    calendar = calendar_for_user(cast.teammate.pk, around=ORDINARY_MONDAY)
    assert calendar.working_weekdays == frozenset({0, 1, 2})
    assert calendar.hours_per_day == Decimal(6)
    # Monday, Tuesday, Wednesday: 3 x 6.
    assert week_capacity(calendar, ORDINARY_MONDAY) == Decimal(18)
    # The others keep the organisation's 40.
    assert week_capacity(calendar_for_user(cast.pm, around=ORDINARY_MONDAY), ORDINARY_MONDAY) == 40


def test_own_hours_alone_keep_the_organisations_weekdays(cast):
    part_time(cast.teammate, weekdays="", hours="6")
    calendar = calendar_for_user(cast.teammate, around=ORDINARY_MONDAY)
    # Monday to Friday, 5 x 6.
    assert week_capacity(calendar, ORDINARY_MONDAY) == Decimal(30)


def test_leave_and_a_public_holiday_reduce_the_weeks_capacity(cast):
    german_provider()
    leave_add(
        actor=cast.teammate,
        start=date(2026, 12, 21),
        end=date(2026, 12, 22),
        kind=Leave.Kind.VACATION,
    )
    calendar = calendar_for_user(cast.teammate, around=CHRISTMAS_MONDAY)
    # Monday 21 and Tuesday 22 on leave, Friday 25 a public holiday: Wednesday and Thursday,
    # 2 x 8.
    assert week_capacity(calendar, CHRISTMAS_MONDAY) == Decimal(16)
    # Part-time Monday to Wednesday 6 h on top: Wednesday 23 alone, 6.
    part_time(cast.teammate)
    calendar = calendar_for_user(cast.teammate, around=CHRISTMAS_MONDAY)
    assert week_capacity(calendar, CHRISTMAS_MONDAY) == Decimal(6)


def test_leave_over_a_weekend_costs_only_the_working_days(cast):
    # Friday 8 to Tuesday 12 January 2027: Friday 8, Monday 11, Tuesday 12 are working days.
    leave_add(actor=cast.teammate, start=date(2027, 1, 8), end=date(2027, 1, 12), kind="sick")
    calendar = calendar_for_user(cast.teammate, around=ORDINARY_MONDAY)
    assert week_capacity(calendar, ORDINARY_MONDAY) == Decimal(32)
    assert week_capacity(calendar, date(2027, 1, 11)) == Decimal(24)


def test_a_make_up_working_day_adds_to_the_week_part_time_or_not(cast):
    WorkingCalendar.objects.create(organization=provider_organization(), country="CN")
    # Monday 22 to Friday 26 and the make-up Sunday 28: 6 x 8.
    full = calendar_for_user(cast.pm, around=CN_MAKE_UP_MONDAY)
    assert week_capacity(full, CN_MAKE_UP_MONDAY) == Decimal(48)
    # Monday to Wednesday and the make-up Sunday: 4 x 6.
    part_time(cast.teammate)
    part = calendar_for_user(cast.teammate, around=CN_MAKE_UP_MONDAY)
    assert week_capacity(part, CN_MAKE_UP_MONDAY) == Decimal(24)


def test_an_own_working_day_adds_and_leave_wins_over_it(cast):
    calendar_row = WorkingCalendar.objects.create(organization=provider_organization())
    CalendarDay.objects.create(
        calendar=calendar_row, date=date(2027, 1, 9), kind=CalendarDay.Kind.WORKING_DAY
    )
    # Monday to Friday and Saturday 9: 6 x 8.
    assert week_capacity(calendar_for_user(cast.pm, around=ORDINARY_MONDAY), ORDINARY_MONDAY) == 48
    leave_add(actor=cast.pm, start=date(2027, 1, 9), end=date(2027, 1, 9), kind="other")
    calendar = calendar_for_user(cast.pm, around=ORDINARY_MONDAY)
    assert not calendar.is_working_day(date(2027, 1, 9))
    assert week_capacity(calendar, ORDINARY_MONDAY) == Decimal(40)


def test_a_person_without_an_organisation_or_unknown_works_the_default(cast):
    operator = UserFactory(organization=None)
    assert calendar_for_user(operator, around=ORDINARY_MONDAY) == WorkCalendar.default()
    assert calendars_for_users([999_999], around=ORDINARY_MONDAY) == {
        999_999: WorkCalendar.default()
    }


# --- Cache ---------------------------------------------------------------------------------------


def test_many_peoples_calendars_cost_a_constant_number_of_queries(cast, django_assert_num_queries):
    german_provider()
    client_person = UserFactory(organization=OrganizationFactory(name="Client Z"))
    few = [cast.pm.pk, cast.teammate.pk, client_person.pk]
    for index in range(30):
        person = UserFactory()
        if index % 3 == 0:
            part_time(person)
        if index % 2 == 0:
            Leave.objects.create(user=person, start=date(2027, 1, 5), end=date(2027, 1, 6))
        if index < 2:
            few.append(person.pk)
    everyone = [
        cast.pm.pk,
        cast.teammate.pk,
        client_person.pk,
        *PersonalCalendar.objects.values_list("user_id", flat=True),
        *Leave.objects.values_list("user_id", flat=True),
    ]
    assert len(set(everyone)) == 23

    calendars_changed()
    # The people (with their own calendars and leave), then their organisations' calendars.
    with django_assert_num_queries(2):
        calendars_for_users(few, around=ORDINARY_MONDAY)
    calendars_changed()
    with django_assert_num_queries(2):
        calendars = calendars_for_users(everyone, around=ORDINARY_MONDAY)
    with django_assert_num_queries(0):
        assert calendars_for_users(everyone, around=ORDINARY_MONDAY) == calendars

    part_time_on_leave, on_leave = Leave.objects.order_by("user_id")[:2]
    # Tuesday 5 and Wednesday 6 off: Monday alone, 6, part-time (the first, index 0); full
    # time, 3 x 8 (the second, index 2).
    assert week_capacity(calendars[part_time_on_leave.user_id], ORDINARY_MONDAY) == Decimal(6)
    assert week_capacity(calendars[on_leave.user_id], ORDINARY_MONDAY) == Decimal(24)
    assert week_capacity(calendars[client_person.pk], ORDINARY_MONDAY) == Decimal(40)


def test_a_cold_person_costs_one_query_when_the_organisation_is_cached(
    cast, django_assert_num_queries
):
    calendar_for_user(cast.pm, around=ORDINARY_MONDAY)
    with django_assert_num_queries(1):
        calendar_for_user(cast.teammate, around=ORDINARY_MONDAY)
    with django_assert_num_queries(0):
        calendar_for_user(cast.teammate, around=ORDINARY_MONDAY)


@pytest.mark.parametrize(
    "change",
    [
        "own pattern",
        "pattern removed",
        "leave added",
        "leave deleted",
        "organisation calendar",
        "moved organisation",
    ],
)
def test_a_change_invalidates_the_cached_persons_calendar(cast, change):
    teammate = cast.teammate
    part_time(teammate, weekdays="12345", hours="8")
    leave = Leave.objects.create(user=teammate, start=date(2027, 1, 4), end=date(2027, 1, 4))
    before = calendar_for_user(teammate, around=ORDINARY_MONDAY)
    assert week_capacity(before, ORDINARY_MONDAY) == Decimal(32)

    if change == "own pattern":
        personal_calendar_update(actor=teammate, working_weekdays="123", hours_per_day=Decimal(6))
        expected = Decimal(12)  # Tuesday and Wednesday, 2 x 6
    elif change == "pattern removed":
        personal_calendar_update(actor=teammate, working_weekdays="", hours_per_day=None)
        expected = Decimal(32)  # the organisation's, the same here: still four days of 8
        assert not PersonalCalendar.objects.filter(user=teammate).exists()
    elif change == "leave added":
        leave_add(actor=teammate, start=date(2027, 1, 5), end=date(2027, 1, 5), kind="vacation")
        expected = Decimal(24)
    elif change == "leave deleted":
        leave_delete(actor=teammate, leave_id=leave.pk)
        expected = Decimal(40)
    elif change == "organisation calendar":
        # The organisation's own holiday on Tuesday 5 applies to them too.
        calendar_day_add(
            actor=cast.staff_admin,
            organization=provider_organization(),
            day=date(2027, 1, 5),
            kind=CalendarDay.Kind.HOLIDAY,
            name="Offsite",
        )
        expected = Decimal(24)
    else:
        # Someone without memberships joins an organisation working Monday to Thursday.
        teammate = UserFactory()
        part_time(teammate, weekdays="", hours=None)
        Leave.objects.create(user=teammate, start=date(2027, 1, 4), end=date(2027, 1, 4))
        assert (
            week_capacity(calendar_for_user(teammate, around=ORDINARY_MONDAY), ORDINARY_MONDAY)
            == 32
        )
        other = OrganizationFactory(name="Sister Co")
        WorkingCalendar.objects.create(organization=other, working_weekdays="1234")
        teammate.organization = other
        teammate.save()
        expected = Decimal(24)  # Tuesday to Thursday, 3 x 8
    after = calendar_for_user(teammate.pk, around=ORDINARY_MONDAY)
    assert week_capacity(after, ORDINARY_MONDAY) == expected


# --- Writes --------------------------------------------------------------------------------------


def test_leave_ending_before_it_starts_is_refused_and_nothing_is_recorded(cast):
    with pytest.raises(InvalidInput) as error:
        leave_add(actor=cast.teammate, start=date(2027, 1, 8), end=date(2027, 1, 7), kind="sick")
    assert error.value.field == "end"
    assert not Leave.objects.exists()


def test_overlapping_leave_is_refused(cast):
    leave_add(actor=cast.teammate, start=date(2027, 1, 4), end=date(2027, 1, 8), kind="vacation")
    with pytest.raises(InvalidInput) as error:
        leave_add(actor=cast.teammate, start=date(2027, 1, 8), end=date(2027, 1, 9), kind="other")
    assert error.value.field == "start"
    assert Leave.objects.count() == 1
    # Someone else's leave on the same days is theirs.
    leave_add(actor=cast.pm, start=date(2027, 1, 4), end=date(2027, 1, 8), kind="vacation")


def test_clients_have_no_calendar_of_their_own(cast):
    with pytest.raises(NotAllowed):
        leave_add(actor=cast.rep, start=date(2027, 1, 4), end=date(2027, 1, 4), kind="other")
    with pytest.raises(NotAllowed):
        personal_calendar_update(actor=cast.rep, working_weekdays="1", hours_per_day=None)
    assert not Leave.objects.exists()
    assert not PersonalCalendar.objects.exists()


def test_only_ones_own_leave_can_be_deleted(cast):
    leave = leave_add(
        actor=cast.teammate, start=date(2027, 1, 4), end=date(2027, 1, 4), kind="other"
    )
    with pytest.raises(NotFound):
        leave_delete(actor=cast.pm, leave_id=leave.pk)
    assert Leave.objects.filter(pk=leave.pk).exists()


def test_only_staff_admins_set_an_organisations_calendar_and_regions_are_checked(cast):
    client = cast.project.client
    with pytest.raises(NotAllowed):
        working_calendar_update(
            actor=cast.pm,
            organization=client,
            country="DE",
            subdivision="",
            working_weekdays="12345",
            hours_per_day=Decimal(8),
        )
    with pytest.raises(InvalidInput) as error:
        working_calendar_update(
            actor=cast.staff_admin,
            organization=client,
            country="DE",
            subdivision="XX",
            working_weekdays="12345",
            hours_per_day=Decimal(8),
        )
    assert error.value.field == "subdivision"
    assert not WorkingCalendar.objects.filter(organization=client).exists()
