"""Organisations' working calendars as `common.workdays.WorkCalendar`s.

`calendar_for_organization(organization, around=day)` is the organisation's working weekdays and
hours, its country's (and region's) public holidays and make-up working days from the `holidays`
package, and its own days (`CalendarDay`), which win over the country's: an own working day on a
public holiday is worked, an own holiday on a make-up day is off. The holidays cover the year of
`around` and the years either side of it, which every count in the app stays within (deemed
acceptance and SLA targets are days or weeks). An organisation without a `WorkingCalendar` (or no
organisation) gets `WorkCalendar.default()`, Monday to Friday with no holidays, as before
calendars existed.

Cached in Django's cache under a version that any save or delete of a `WorkingCalendar` or a
`CalendarDay` replaces (accounts.receivers), at once and again after the commit, so a calendar
built from the data before the commit cannot outlive it. Uncached, a calendar costs one query.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date
from typing import Any

import holidays
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.models import CalendarDay, Organization, WorkingCalendar
from common.workdays import WorkCalendar

logger = logging.getLogger(__name__)

VERSION_KEY = "working-calendars:version"
CACHE_SECONDS = 24 * 3600


def calendar_years(around: date) -> range:
    """The years a calendar built around `around` covers."""
    return range(around.year - 1, around.year + 2)


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version or "uncached"


def calendars_changed(**kwargs: Any) -> None:
    """Forget every cached calendar (a signal receiver: any calendar or day saved or deleted)."""

    def bump() -> None:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)

    bump()
    transaction.on_commit(bump)


def calendar_for_organization(
    organization: Organization | None, *, around: date | None = None
) -> WorkCalendar:
    """The working calendar of `organization` for the years around `around` (by default
    today)."""
    return calendar_for_organization_id(
        organization.pk if organization is not None else None, around=around
    )


def calendar_for_organization_id(
    organization_id: int | None, *, around: date | None = None
) -> WorkCalendar:
    """`calendar_for_organization` for an organisation known by its id (nothing else loaded)."""
    if organization_id is None:
        return WorkCalendar.default()
    years = calendar_years(around or timezone.localdate())
    key = f"working-calendars:{_version()}:{organization_id}:{years.start}"
    calendar = cache.get(key)
    if not isinstance(calendar, WorkCalendar):
        calendar = _build(organization_id, years)
        cache.set(key, calendar, timeout=CACHE_SECONDS)
    return calendar


def _build(organization_id: int, years: range) -> WorkCalendar:
    # One query: the calendar left-joined to its own days (one row per day, or one row of
    # Nones for the day columns when it has none).
    rows = list(
        WorkingCalendar.objects.filter(organization_id=organization_id)
        .order_by("days__date")
        .values_list(
            "country",
            "subdivision",
            "working_weekdays",
            "hours_per_day",
            "days__date",
            "days__kind",
        )
    )
    if not rows:
        return WorkCalendar.default()
    country, subdivision, weekdays, hours, _day, _kind = rows[0]
    days_off, days_on = _country_days(country, subdivision, years)
    for *_settings, day, kind in rows:
        if day is None:
            continue
        if kind == CalendarDay.Kind.WORKING_DAY:
            days_on.add(day)
            days_off.discard(day)
        else:
            days_off.add(day)
            days_on.discard(day)
    return WorkCalendar(
        working_weekdays=frozenset(int(digit) - 1 for digit in weekdays),
        hours_per_day=hours,
        holidays=frozenset(days_off),
        extra_working_days=frozenset(days_on),
    )


def _country_days(country: str, subdivision: str, years: range) -> tuple[set[date], set[date]]:
    """(public holidays, make-up working days) of a country (and region) in `years`. The
    `holidays` package names make-up working days (China's, for one) `weekend_workdays`."""
    if not country:
        return set(), set()
    try:
        public = holidays.country_holidays(country, subdiv=subdivision or None, years=years)
    except NotImplementedError:
        # A country or region the installed package no longer knows: its days are unknown.
        logger.warning("No public holidays known for %s %s", country, subdivision)
        return set(), set()
    days_off = {day for day in public if day.year in years}
    days_on = {day for day in getattr(public, "weekend_workdays", ()) if day.year in years}
    return days_off - days_on, days_on
