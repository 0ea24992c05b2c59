"""The resource view: planned hours per person and ISO week, over-allocation flagged
(projects.selectors.tasks.resource_load_for, /projects/resources/)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.models import Role, Task
from projects.selectors.tasks import resource_load_for
from projects.services.tasks import task_create
from tests.factories import UserFactory, add_member, enrol_totp
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
    assert load.capacity == Decimal(40)


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


def test_capacity_comes_from_the_setting(cast, settings):
    settings.RAPPORT_WEEKLY_CAPACITY_HOURS = 60
    plan(cast, cast.teammate, 50, date(2027, 1, 4), date(2027, 1, 8))
    load = resource_load_for(user=cast.pm, today=TODAY)
    assert load.capacity == Decimal(60)
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
    few = count_queries(client, "/projects/resources/")
    _grow(cast, 45)
    assert Task.objects.count() == 50
    many = count_queries(client, "/projects/resources/")
    assert many == few
