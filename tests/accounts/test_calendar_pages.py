"""The calendar pages (accounts.views_calendars): every organisation's working calendar for
staff admins, and "My calendar" for every provider person; clients are sent to the portal.
Dates are fixed, except where the page shows the current weeks."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.calendars import calendar_for_user, week_capacity
from accounts.models import CalendarDay, Leave, PersonalCalendar, WorkingCalendar
from tests.factories import provider_organization
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

MY_CALENDAR = reverse("accounts:my_calendar")
CALENDARS = reverse("accounts:calendars")
MONDAY = date(2027, 1, 4)


def organisation_page(organization) -> str:
    return reverse("accounts:organization_calendar", args=[organization.pk])


# --- My calendar ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role_name", ["pm", "am", "teammate", "outsider", "staff_admin"])
def test_every_provider_person_sees_their_own_calendar_only(cast, role_name):
    # Within the weeks the page lists, whatever today is.
    soon = timezone.localdate() + timedelta(days=7)
    Leave.objects.create(user=cast.pm, start=soon, end=soon, note="Dentist of Paula")
    response = logged_in(cast.by_name(role_name)).get(MY_CALENDAR)

    assert response.status_code == 200
    content = response.content.decode()
    assert "My calendar" in content
    assert 'data-testid="pattern-form"' in content
    assert 'data-testid="my-capacity"' in content
    assert ("Dentist of Paula" in content) is (role_name == "pm")


@pytest.mark.parametrize("role_name", ["client_admin", "rep", "viewer"])
def test_clients_are_sent_to_the_portal_and_change_nothing(cast, role_name):
    client = logged_in(cast.by_name(role_name))
    page = client.get(MY_CALENDAR)
    posted = client.post(
        reverse("accounts:leave_add"),
        {"start": "2027-01-04", "end": "2027-01-05", "kind": "vacation"},
    )

    assert page.status_code == 302
    assert page["Location"] == reverse("portal:home")
    assert posted.status_code == 302
    assert not Leave.objects.exists()
    menu = client.get(reverse("portal:home"), follow=True).content.decode()
    assert 'data-testid="nav-my-calendar"' not in menu


def test_the_user_menu_links_to_my_calendar(cast):
    content = logged_in(cast.teammate).get(reverse("projects:list")).content.decode()
    assert f'href="{MY_CALENDAR}" data-testid="nav-my-calendar"' in content


def test_a_person_sets_part_time_and_their_capacity_follows(cast):
    client = logged_in(cast.teammate)
    response = client.post(MY_CALENDAR, {"working_weekdays": ["1", "2", "3"], "hours_per_day": "6"})

    assert response.status_code == 302
    row = PersonalCalendar.objects.get(user=cast.teammate)
    assert (row.working_weekdays, row.hours_per_day) == ("123", Decimal(6))
    calendar = calendar_for_user(cast.teammate, around=MONDAY)
    assert week_capacity(calendar, MONDAY) == Decimal(18)
    page = client.get(MY_CALENDAR).content.decode()
    assert 'value="3"  id="id_working_weekdays_2" checked>' in page
    assert 'value="4"  id="id_working_weekdays_3">' in page
    assert "Your working pattern is saved." in page

    # Nothing ticked and no hours: back to the organisation's.
    client.post(MY_CALENDAR, {"hours_per_day": ""})
    assert not PersonalCalendar.objects.filter(user=cast.teammate).exists()


def test_bad_hours_are_a_form_error_and_change_nothing(cast):
    PersonalCalendar.objects.create(user=cast.teammate, working_weekdays="12", hours_per_day=4)
    response = logged_in(cast.teammate).post(
        MY_CALENDAR, {"working_weekdays": ["1"], "hours_per_day": "30"}
    )

    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 24" in response.content.decode()
    row = PersonalCalendar.objects.get(user=cast.teammate)
    assert (row.working_weekdays, row.hours_per_day) == ("12", Decimal(4))


def test_a_person_records_and_removes_their_leave(cast):
    client = logged_in(cast.teammate)
    response = client.post(
        reverse("accounts:leave_add"),
        {"start": "2027-01-05", "end": "2027-01-06", "kind": "vacation", "note": "Skiing"},
    )

    assert response.status_code == 302
    leave = Leave.objects.get(user=cast.teammate)
    assert (leave.start, leave.end, leave.kind, leave.note) == (
        date(2027, 1, 5),
        date(2027, 1, 6),
        "vacation",
        "Skiing",
    )
    assert week_capacity(calendar_for_user(cast.teammate, around=MONDAY), MONDAY) == Decimal(24)

    client.post(reverse("accounts:leave_delete"), {"id": leave.pk})
    assert not Leave.objects.exists()
    assert week_capacity(calendar_for_user(cast.teammate, around=MONDAY), MONDAY) == Decimal(40)


def test_leave_ending_before_it_starts_is_a_form_error_and_records_nothing(cast):
    response = logged_in(cast.teammate).post(
        reverse("accounts:leave_add"),
        {"start": "2027-01-06", "end": "2027-01-05", "kind": "vacation"},
    )

    assert response.status_code == 400
    assert "The last day cannot be before the first." in response.content.decode()
    assert not Leave.objects.exists()


def test_someone_elses_leave_is_not_found_and_stays(cast):
    leave = Leave.objects.create(user=cast.pm, start=MONDAY, end=MONDAY)
    response = logged_in(cast.teammate).post(reverse("accounts:leave_delete"), {"id": leave.pk})

    assert response.status_code == 404
    assert Leave.objects.filter(pk=leave.pk).exists()


# --- Organisations' calendars --------------------------------------------------------------------


def test_a_staff_admin_lists_every_organisations_calendar(cast):
    WorkingCalendar.objects.create(
        organization=cast.project.client, country="DE", subdivision="BE", working_weekdays="1234"
    )
    response = logged_in(cast.staff_admin).get(CALENDARS)

    assert response.status_code == 200
    content = response.content.decode()
    rows = content.split('data-testid="calendar-row"')[1:]
    assert len(rows) == 3  # the provider, client A, client B
    assert "Provider Ltd" in rows[0]
    client_a = next(row for row in rows if "Client A" in row)
    assert "Germany" in client_a
    assert ">BE<" in client_a
    assert "Mon, Tue, Wed, Thu" in client_a
    overview = logged_in(cast.staff_admin).get(reverse("operations:overview")).content.decode()
    assert f'href="{CALENDARS}" data-testid="calendars-link"' in overview


@pytest.mark.parametrize("role_name", ["pm", "am", "teammate", "outsider"])
def test_other_provider_people_are_refused_the_organisations_calendars(cast, role_name):
    client = logged_in(cast.by_name(role_name))
    organization = cast.project.client

    listing = client.get(CALENDARS)
    page = client.get(organisation_page(organization))
    posted = client.post(
        organisation_page(organization),
        {"country": "DE", "working_weekdays": ["1"], "hours_per_day": "8"},
    )
    day = client.post(
        reverse("accounts:organization_calendar_day_add", args=[organization.pk]),
        {"date": "2027-01-05", "kind": "holiday"},
    )

    assert (listing.status_code, page.status_code, posted.status_code, day.status_code) == (
        403,
        403,
        403,
        403,
    )
    assert "Client A" not in page.content.decode()
    assert not WorkingCalendar.objects.exists()
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize("role_name", ["client_admin", "rep"])
def test_clients_are_sent_to_the_portal_from_the_organisations_calendars(cast, role_name):
    client = logged_in(cast.by_name(role_name))
    organization = cast.project.client
    page = client.get(organisation_page(organization))
    posted = client.post(
        organisation_page(organization),
        {"country": "DE", "working_weekdays": ["1"], "hours_per_day": "8"},
    )

    assert page["Location"] == reverse("portal:home")
    assert posted["Location"] == reverse("portal:home")
    assert not WorkingCalendar.objects.exists()


def test_a_staff_admin_sets_a_clients_calendar(cast):
    organization = cast.project.client
    client = logged_in(cast.staff_admin)
    before = client.get(organisation_page(organization)).content.decode()
    response = client.post(
        organisation_page(organization),
        {
            "country": "DE",
            "subdivision": "BE",
            "working_weekdays": ["1", "2", "3", "4"],
            "hours_per_day": "7.5",
        },
    )

    assert 'data-testid="no-calendar"' in before
    assert response.status_code == 302
    saved = WorkingCalendar.objects.get(organization=organization)
    assert (saved.country, saved.subdivision, saved.working_weekdays, saved.hours_per_day) == (
        "DE",
        "BE",
        "1234",
        Decimal("7.5"),
    )
    page = client.get(organisation_page(organization) + "?year=2025").content.decode()
    public = page.split('data-testid="public-days"')[1].split("</table>")[0]
    assert "Christmas Day" in public
    assert "Women&#x27;s Day" in public or "Women's Day" in public  # Berlin's own
    assert 'data-testid="regions"' in page
    assert "BE" in page


def test_an_unknown_region_is_a_form_error_and_changes_nothing(cast):
    organization = cast.project.client
    WorkingCalendar.objects.create(organization=organization, country="DE")
    response = logged_in(cast.staff_admin).post(
        organisation_page(organization),
        {"country": "DE", "subdivision": "XX", "working_weekdays": ["1"], "hours_per_day": "6"},
    )

    assert response.status_code == 400
    assert "XX is not a region of this country." in response.content.decode()
    saved = WorkingCalendar.objects.get(organization=organization)
    assert (saved.subdivision, saved.working_weekdays, saved.hours_per_day) == (
        "",
        "12345",
        Decimal(8),
    )


def test_a_staff_admin_adds_and_removes_the_providers_own_days(cast):
    provider = provider_organization()
    client = logged_in(cast.staff_admin)
    add = reverse("accounts:organization_calendar_day_add", args=[provider.pk])

    client.post(add, {"date": "2027-01-05", "kind": "holiday", "name": "Offsite"})
    client.post(add, {"date": "2027-01-09", "kind": "working_day", "name": "Release"})
    duplicate = client.post(add, {"date": "2027-01-05", "kind": "holiday"})

    assert duplicate.status_code == 400
    assert "2027-01-05 is already one of this calendar&#x27;s days." in duplicate.content.decode()
    days = list(CalendarDay.objects.values_list("date", "kind", "name"))
    assert days == [
        (date(2027, 1, 5), "holiday", "Offsite"),
        (date(2027, 1, 9), "working_day", "Release"),
    ]
    # Everyone on the provider's side: Tuesday off, Saturday worked, 5 x 8.
    calendar = calendar_for_user(cast.pm, around=MONDAY)
    assert not calendar.is_working_day(date(2027, 1, 5))
    assert week_capacity(calendar, MONDAY) == Decimal(40)
    page = client.get(organisation_page(provider)).content.decode()
    assert page.count('data-testid="own-day"') == 2
    assert "Offsite" in page

    offsite = CalendarDay.objects.get(name="Offsite")
    client.post(
        reverse("accounts:organization_calendar_day_delete", args=[provider.pk]),
        {"id": offsite.pk},
    )
    assert list(CalendarDay.objects.values_list("name", flat=True)) == ["Release"]
    assert week_capacity(calendar_for_user(cast.pm, around=MONDAY), MONDAY) == Decimal(48)


def test_a_day_of_another_organisation_is_not_found_and_stays(cast):
    other = WorkingCalendar.objects.create(organization=cast.other_project.client)
    day = CalendarDay.objects.create(calendar=other, date=MONDAY)
    response = logged_in(cast.staff_admin).post(
        reverse("accounts:organization_calendar_day_delete", args=[cast.project.client.pk]),
        {"id": day.pk},
    )

    assert response.status_code == 404
    assert CalendarDay.objects.filter(pk=day.pk).exists()


def test_a_missing_organisation_is_not_found(cast):
    response = logged_in(cast.staff_admin).get(
        reverse("accounts:organization_calendar", args=[999_999])
    )
    assert response.status_code == 404
