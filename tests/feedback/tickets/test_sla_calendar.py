"""Complaint SLAs count in the provider organisation's working calendar (accounts.calendars):
its public holidays and own days are not business time. Every date is fixed."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import CalendarDay, WorkingCalendar
from feedback.models import TicketSeverity
from feedback.services.sla import sla_calendar
from tests.feedback.tickets.helpers import a_complaint

BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 24 December 2025, 16:00 in Berlin (Christmas Eve is a working day there).
CHRISTMAS_EVE_4PM = datetime(2025, 12, 24, 16, tzinfo=BERLIN)


@pytest.fixture
def berlin_provider(provider, settings):
    settings.RAPPORT_SLA_BUSINESS_HOURS = "09:00-18:00"
    settings.RAPPORT_SLA_WORKING_DAYS = "1-5"
    provider.time_zone = "Europe/Berlin"
    provider.save(update_fields=["time_zone"])
    return provider


def test_a_complaint_across_christmas_in_berlin_waits_for_the_holidays(cast, berlin_provider):
    WorkingCalendar.objects.create(organization=berlin_provider, country="DE", subdivision="BE")

    ticket = a_complaint(
        cast.rep, cast.project, severity=TicketSeverity.HIGH, now=CHRISTMAS_EVE_4PM
    )

    # First response, 4 business hours: Wed 24 16:00-18:00 (2 h); Thu 25 (Christmas Day) and
    # Fri 26 (Second Day of Christmas) are holidays, Sat 27 and Sun 28 the weekend; Mon 29
    # 09:00-11:00 (2 h) -> Monday 29 December, 11:00.
    assert ticket.first_response_due_at == datetime(2025, 12, 29, 11, tzinfo=BERLIN)
    # Resolution, 24 business hours: Wed 24 (2 h), Mon 29 (9 h, 11), Tue 30 (9 h, 20), Wed 31
    # 09:00-13:00 (4 h, 24) -> Wednesday 31 December, 13:00.
    assert ticket.resolution_due_at == datetime(2025, 12, 31, 13, tzinfo=BERLIN)


def test_the_providers_own_working_day_counts(cast, berlin_provider):
    working_calendar = WorkingCalendar.objects.create(
        organization=berlin_provider, country="DE", subdivision="BE"
    )
    # The office opens on Saturday 27 December to catch up.
    CalendarDay.objects.create(
        calendar=working_calendar,
        date=date(2025, 12, 27),
        kind=CalendarDay.Kind.WORKING_DAY,
        name="Catch-up Saturday",
    )

    ticket = a_complaint(
        cast.rep, cast.project, severity=TicketSeverity.HIGH, now=CHRISTMAS_EVE_4PM
    )

    # Wed 24 16:00-18:00 (2 h), Sat 27 09:00-11:00 (2 h) -> Saturday 27 December, 11:00.
    assert ticket.first_response_due_at == datetime(2025, 12, 27, 11, tzinfo=BERLIN)


def test_a_provider_without_a_calendar_counts_monday_to_friday_as_before(cast, berlin_provider):
    ticket = a_complaint(
        cast.rep, cast.project, severity=TicketSeverity.HIGH, now=CHRISTMAS_EVE_4PM
    )

    # Wed 24 16:00-18:00 (2 h), Thu 25 09:00-11:00 (2 h): no holidays known.
    assert ticket.first_response_due_at == datetime(2025, 12, 25, 11, tzinfo=BERLIN)
    calendar = sla_calendar(around=CHRISTMAS_EVE_4PM.date())
    assert calendar.holidays == frozenset()
    assert calendar.extra_working_days == frozenset()


def test_the_sla_calendar_costs_one_query_for_the_provider_and_one_for_its_calendar(
    berlin_provider, django_assert_num_queries
):
    WorkingCalendar.objects.create(organization=berlin_provider, country="DE", subdivision="BE")

    with django_assert_num_queries(2):
        sla_calendar(around=CHRISTMAS_EVE_4PM.date())
    with django_assert_num_queries(0):  # the provider and its calendar now come from the cache
        calendar = sla_calendar(around=CHRISTMAS_EVE_4PM.date())
    assert calendar.time_zone == BERLIN
    assert not calendar.is_working_day(date(2025, 12, 25))
    # The provider's time zone changed: the cached one is forgotten.
    berlin_provider.time_zone = "Asia/Shanghai"
    berlin_provider.save()
    assert sla_calendar(around=CHRISTMAS_EVE_4PM.date()).time_zone.key == "Asia/Shanghai"
