"""The resource view: planned hours per person and ISO week, over-allocation flagged
(projects.selectors.tasks.resource_load_for, /projects/resources/)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.calendars import calendars_changed, leave_add
from accounts.models import CalendarDay, Leave, PersonalCalendar, WorkingCalendar
from projects.models import Role, Task
from projects.selectors.tasks import LeaveSpan, resource_load_for
from projects.services.tasks import task_create
from tests.factories import UserFactory, add_member, enrol_totp, provider_organization
from tests.helpers import count_queries, logged_in

# Wednesday of ISO week 2027-W01, which starts on Monday 4 January 2027.
TODAY = date(2027, 1, 6)


def plan(cast, assignee, hours, start, due, project=None, **values) -> Task:
    return task_create(
        actor=cast.pm,
        project=project or cast.project,
        name=f"{hours} h from {start}",
        assignee=assignee,
        estimate_hours=Decimal(hours),
        start_date=start,
        due_date=due,
        **values,
    )


def hours_of(load, user) -> list[Decimal]:
    return next(person.hours for person in load.people if person.user_id == user.pk)


def over_of(load, user) -> list[bool]:
    return next(person.over for person in load.people if person.user_id == user.pk)


def test_eight_iso_weeks_from_the_current_one(cast):
    load = resource_load_for(user=cast.pm, today=TODAY)
    assert load.weeks[0] == date(2027, 1, 4)
    assert load.weeks[-1] == date(2027, 2, 22)
    assert load.week_labels[:2] == ["2027-W01", "2027-W02"]
    assert len(load.weeks) == 8
    # Without calendars of their own, everyone works Monday to Friday, 8 hours a day.
    assert load.capacity[cast.pm.pk] == [Decimal(40)] * 8
    assert load.capacity[cast.teammate.pk] == [Decimal(40)] * 8


def test_the_pm_sees_the_pms_and_team_members_of_their_projects(cast):
    stranger = UserFactory(display_name="Somebody Else")
    add_member(cast.other_project, stranger, Role.TEAM_MEMBER)
    load = resource_load_for(user=cast.pm, today=TODAY)
    assert [person.name for person in load.people] == ["Paula PM", "Tina Team"]


def test_an_estimate_is_spread_evenly_over_business_days(cast):
    plan(cast, cast.teammate, 20, date(2027, 1, 4), date(2027, 1, 15))  # 10 business days
    # Saturday 16 to Sunday 24 January: the five business days of week 3 only.
    plan(cast, cast.teammate, 10, date(2027, 1, 16), date(2027, 1, 24))
    load = resource_load_for(user=cast.pm, today=TODAY)
    assert hours_of(load, cast.teammate)[:4] == [
        Decimal("10.0"),
        Decimal("10.0"),
        Decimal("10.0"),
        Decimal("0.0"),
    ]


def test_only_the_part_of_a_task_inside_the_window_counts(cast):
    # Ten business days from Monday 28 December 2026: five of them before the window.
    plan(cast, cast.teammate, 10, date(2026, 12, 28), date(2027, 1, 8))
    # Ten business days from Monday 22 February 2027: five of them after the window.
    plan(cast, cast.teammate, 10, date(2027, 2, 22), date(2027, 3, 5))
    hours = hours_of(resource_load_for(user=cast.pm, today=TODAY), cast.teammate)
    assert (hours[0], hours[7]) == (Decimal("5.0"), Decimal("5.0"))
    assert sum(hours) == Decimal(10)


def test_a_week_over_capacity_is_over_allocated(cast):
    plan(cast, cast.teammate, 30, date(2027, 1, 4), date(2027, 1, 8))
    plan(cast, cast.teammate, 20, date(2027, 1, 4), date(2027, 1, 8))
    plan(cast, cast.teammate, 40, date(2027, 1, 11), date(2027, 1, 15))
    load = resource_load_for(user=cast.pm, today=TODAY)
    assert hours_of(load, cast.teammate)[:2] == [Decimal("50.0"), Decimal("40.0")]
    assert over_of(load, cast.teammate)[:2] == [True, False]


def test_part_time_capacity_comes_from_the_persons_calendar(cast):
    # Monday to Wednesday, 6 hours: 18 hours a week.
    PersonalCalendar.objects.create(user=cast.teammate, working_weekdays="123", hours_per_day=6)
    plan(cast, cast.teammate, 20, date(2027, 1, 4), date(2027, 1, 8))
    plan(cast, cast.teammate, 15, date(2027, 1, 11), date(2027, 1, 15))
    load = resource_load_for(user=cast.pm, today=TODAY)
    assert load.capacity[cast.teammate.pk][:2] == [Decimal(18), Decimal(18)]
    assert over_of(load, cast.teammate)[:2] == [True, False]
    assert load.capacity[cast.pm.pk][0] == Decimal(40)


def test_leave_and_a_public_holiday_reduce_a_weeks_capacity(cast):
    WorkingCalendar.objects.create(organization=provider_organization(), country="DE")
    # Monday 21 December 2026: Friday 25 is Christmas Day in Germany; Tina is on leave from
    # Monday 21 to Tuesday 22. Her week: Wednesday and Thursday, 2 x 8 = 16 hours; Paula's:
    # Monday to Thursday, 32. The next week, Friday 1 January is New Year's Day: 32 each.
    leave_add(actor=cast.teammate, start=date(2026, 12, 21), end=date(2026, 12, 22), kind="sick")
    plan(cast, cast.teammate, 20, date(2026, 12, 21), date(2026, 12, 25))
    load = resource_load_for(user=cast.pm, today=date(2026, 12, 23))
    assert load.capacity[cast.teammate.pk][:3] == [Decimal(16), Decimal(32), Decimal(40)]
    assert load.capacity[cast.pm.pk][:2] == [Decimal(32), Decimal(32)]
    assert hours_of(load, cast.teammate)[0] == Decimal("20.0")
    assert over_of(load, cast.teammate)[0] is True
    assert load.leave[cast.teammate.pk] == [
        LeaveSpan(date(2026, 12, 21), date(2026, 12, 22), "Sick leave")
    ]
    assert cast.pm.pk not in load.leave
    cells = next(row for row in load.rows if row.person.user_id == cast.teammate.pk).cells
    assert [cell.has_leave for cell in cells[:2]] == [True, False]
    assert (cells[0].hours, cells[0].capacity, cells[0].is_over) == (
        Decimal("20.0"),
        Decimal(16),
        True,
    )


def test_a_make_up_working_day_adds_to_a_weeks_capacity(cast):
    calendar = WorkingCalendar.objects.create(organization=provider_organization())
    CalendarDay.objects.create(
        calendar=calendar, date=date(2027, 1, 9), kind=CalendarDay.Kind.WORKING_DAY
    )
    plan(cast, cast.teammate, 45, date(2027, 1, 4), date(2027, 1, 8))
    load = resource_load_for(user=cast.pm, today=TODAY)
    # Monday to Friday and Saturday 9: 6 x 8 = 48, so 45 planned hours fit.
    assert load.capacity[cast.teammate.pk][:2] == [Decimal(48), Decimal(40)]
    assert over_of(load, cast.teammate)[0] is False


def test_done_undated_and_unestimated_tasks_plan_nothing(cast):
    plan(cast, cast.teammate, 30, date(2027, 1, 4), date(2027, 1, 8), status=Task.Status.DONE)
    plan(cast, cast.teammate, 30, date(2027, 1, 4), None)
    task_create(
        actor=cast.pm,
        project=cast.project,
        name="No estimate",
        assignee=cast.teammate,
        start_date=date(2027, 1, 4),
        due_date=date(2027, 1, 8),
    )
    hours = hours_of(resource_load_for(user=cast.pm, today=TODAY), cast.teammate)
    assert sum(hours) == 0


def test_hours_count_across_all_of_a_persons_projects(cast):
    other_pm = UserFactory(display_name="Other PM")
    enrol_totp(other_pm)
    add_member(cast.other_project, other_pm, Role.PM)
    add_member(cast.other_project, cast.teammate, Role.TEAM_MEMBER)
    plan(cast, cast.teammate, 25, date(2027, 1, 4), date(2027, 1, 8))
    task_create(
        actor=other_pm,
        project=cast.other_project,
        name="Elsewhere",
        assignee=cast.teammate,
        estimate_hours=Decimal(25),
        start_date=date(2027, 1, 4),
        due_date=date(2027, 1, 8),
    )
    load = resource_load_for(user=cast.pm, today=TODAY)
    assert hours_of(load, cast.teammate)[0] == Decimal("50.0")
    assert over_of(load, cast.teammate)[0] is True
    assert "Other PM" not in [person.name for person in load.people]


# --- The page -------------------------------------------------------------------------------------


def this_monday() -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


def test_the_page_flags_over_allocated_weeks(cast):
    monday = this_monday()
    plan(cast, cast.teammate, 45, monday, monday + timedelta(days=4))
    response = logged_in(cast.pm).get("/projects/resources/")
    assert response.status_code == 200
    content = response.content.decode()
    row = content.split("Tina Team")[1].split("</tr>")[0]
    assert 'data-testid="over-allocated">45.0' in row
    assert content.count('data-testid="over-allocated"') == 1
    assert (
        '<span class="text-body-secondary fw-normal small" data-testid="capacity"> / 40</span>'
        in row
    )
    assert "own days off and leave reduce a week's capacity" in content


def test_the_page_shows_part_time_capacity_and_leave_to_the_pm(cast):
    monday = this_monday()
    PersonalCalendar.objects.create(user=cast.teammate, working_weekdays="123", hours_per_day=6)
    Leave.objects.create(
        user=cast.teammate, start=monday, end=monday, kind="vacation", note="Private matter"
    )
    plan(cast, cast.teammate, 15, monday, monday + timedelta(days=4))
    content = logged_in(cast.pm).get("/projects/resources/").content.decode()
    row = content.split("Tina Team")[1].split("</tr>")[0]
    # Monday on leave: Tuesday and Wednesday, 2 x 6 = 12 hours, and 15 planned.
    assert 'data-testid="over-allocated">15.0' in row
    assert 'data-testid="capacity"> / 12</span>' in row
    assert row.count('data-testid="on-leave"') == 1
    leave = content.split('data-testid="resource-leave"')[1].split("</table>")[0]
    assert "Tina Team" in leave
    assert "Vacation" in leave
    assert "Private matter" not in content


@pytest.mark.parametrize("role_name", ["am", "teammate", "outsider"])
def test_only_pms_and_staff_admins_open_the_page(cast, role_name):
    assert logged_in(cast.by_name(role_name)).get("/projects/resources/").status_code == 403


def _grow(cast, count: int) -> None:
    monday = this_monday()
    for index in range(count):
        person = UserFactory(display_name=f"Person {count}-{index}")
        add_member(cast.project, person, Role.TEAM_MEMBER)
        plan(
            cast,
            person if index % 2 else cast.teammate,
            8 + index,
            monday + timedelta(days=index % 10),
            monday + timedelta(days=index % 10 + 12),
        )


@pytest.mark.parametrize("role_name", ["pm", "staff_admin"])
def test_the_page_keeps_a_constant_number_of_queries(cast, role_name):
    client = logged_in(cast.by_name(role_name))
    _grow(cast, 5)
    few = count_queries(client, "/projects/resources/", warm=True)
    _grow(cast, 45)
    assert Task.objects.count() == 50
    many = count_queries(client, "/projects/resources/", warm=True)
    assert many == few


def test_the_selector_keeps_a_constant_number_of_queries_with_cold_calendars(
    cast, django_assert_num_queries
):
    WorkingCalendar.objects.create(organization=provider_organization(), country="DE")

    def grow(count: int) -> None:
        _grow(cast, count)
        person = UserFactory(display_name=f"On leave {count}")
        add_member(cast.project, person, Role.TEAM_MEMBER)
        Leave.objects.create(user=person, start=this_monday(), end=this_monday())
        PersonalCalendar.objects.create(user=person, working_weekdays="12", hours_per_day=5)

    # Memberships, the people's calendars, the organisations' calendars, leave, tasks.
    grow(3)
    calendars_changed()
    with django_assert_num_queries(5):
        resource_load_for(user=cast.pm, today=timezone.localdate())
    grow(30)
    calendars_changed()
    with django_assert_num_queries(5):
        load = resource_load_for(user=cast.pm, today=timezone.localdate())
    assert len(load.people) == 2 + 33 + 2
    # Warm: the calendars come from the cache.
    with django_assert_num_queries(3):
        resource_load_for(user=cast.pm, today=timezone.localdate())
