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

People's calendars (`calendar_for_user`, `calendars_for_users` for many at once) are their
organisation's with their part-time pattern and leave (the section "People's calendars" below),
with the writes and reads of the calendar pages (accounts.views_calendars) after them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import holidays
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import Count, FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import (
    CalendarDay,
    Leave,
    Organization,
    PersonalCalendar,
    User,
    WorkingCalendar,
)
from accounts.permissions import is_provider_user, is_staff_admin
from common.cache import cache_version, cache_version_replace
from common.errors import InvalidInput, NotAllowed, NotFound
from common.workdays import WorkCalendar

logger = logging.getLogger(__name__)

VERSION_KEY = "working-calendars:version"
CACHE_SECONDS = 24 * 3600


def calendar_years(around: date) -> range:
    """The years a calendar built around `around` covers."""
    return range(around.year - 1, around.year + 2)


def _versioned(key: str) -> str:
    """The cache version under `key`, set once when there is none."""
    return cache_version(key) or "uncached"


def _version() -> str:
    return _versioned(VERSION_KEY)


def calendars_changed(**kwargs: Any) -> None:
    """Forget every cached calendar (a signal receiver: any calendar or day saved or deleted)."""

    cache_version_replace(VERSION_KEY)


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
    return _assemble(rows, years)


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


def provider_calendar(*, around: date | None = None) -> WorkCalendar:
    """The working calendar of the provider organisation (the team that does the work, as
    feedback.services.sla finds it), or `WorkCalendar.default()` without one. Cached like the
    organisations' calendars, under the version that any save or delete of an organisation
    replaces too (accounts.receivers); when not cached, one query for the provider, plus the
    calendar's when that is not cached."""
    years = calendar_years(around or timezone.localdate())
    key = f"working-calendars:{_version()}:provider:{years.start}"
    calendar = cache.get(key)
    if not isinstance(calendar, WorkCalendar):
        provider_id, _zone = provider_identity()
        calendar = calendar_for_organization_id(provider_id, around=around)
        cache.set(key, calendar, timeout=CACHE_SECONDS)
    return calendar


def provider_identity() -> tuple[int | None, str | None]:
    """The provider organisation's (id, time zone), (None, None) without one. Cached under the
    organisations' version (any save or delete of an organisation replaces it): one query when
    not cached."""
    key = f"working-calendars:{_version()}:provider-identity"
    found = cache.get(key)
    if isinstance(found, tuple):
        return found
    row = (
        Organization.objects.filter(kind=Organization.Kind.PROVIDER)
        .order_by("pk")
        .values_list("pk", "time_zone")
        .first()
    )
    identity: tuple[int | None, str | None] = row if row is not None else (None, None)
    cache.set(key, identity, timeout=CACHE_SECONDS)
    return identity


# --- People's calendars ---------------------------------------------------------------------------
# A person's calendar is their organisation's (its public holidays, its own days, its make-up
# working days) with their own weekdays and hours when they set them (PersonalCalendar, for
# part-time) and every day of their leave (Leave) off. A make-up working day of the organisation
# is worked by everyone, part-time or not; a day of leave wins over it. Cached like the
# organisations' calendars, under a second version that any save or delete of a PersonalCalendar,
# a Leave or a person's organisation replaces (accounts.receivers): a changed organisation's
# calendar replaces the first version, which every person's key holds too.

PEOPLE_VERSION_KEY = "working-calendars:people-version"
# A period of leave is at most a year long (a longer absence is not leave to plan around).
LEAVE_MAX_DAYS = 366


def _versions() -> tuple[str, str]:
    """(the organisations' version, the people's version), in one round trip when both exist."""
    found = cache.get_many([VERSION_KEY, PEOPLE_VERSION_KEY])
    if VERSION_KEY not in found or PEOPLE_VERSION_KEY not in found:
        return _version(), _people_version()
    return found[VERSION_KEY], found[PEOPLE_VERSION_KEY]


def _people_version() -> str:
    return _versioned(PEOPLE_VERSION_KEY)


def people_calendars_changed(**kwargs: Any) -> None:
    """Forget every cached person's calendar (a signal receiver: a personal calendar or a period
    of leave saved or deleted, a person moved to another organisation)."""

    cache_version_replace(PEOPLE_VERSION_KEY)


def calendar_for_user(user: User | int, *, around: date | None = None) -> WorkCalendar:
    """The working calendar of a person (a `User` or their id) for the years around `around`
    (by default today): see the section's comment. A person unknown or without an organisation
    works the default calendar with their own weekdays, hours and leave."""
    user_id = user if isinstance(user, int) else user.pk
    return calendars_for_users([user_id], around=around)[user_id]


def calendars_for_users(
    user_ids: Iterable[int], *, around: date | None = None
) -> dict[int, WorkCalendar]:
    """{user id: `calendar_for_user`} for many people at once: no query when all are cached,
    otherwise one for the people missing and at most one for their organisations' calendars,
    whatever their number."""
    years = calendar_years(around or timezone.localdate())
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    version, people_version = _versions()
    keys = {
        user_id: f"working-calendars:{version}:{people_version}:user:{user_id}:{years.start}"
        for user_id in wanted
    }
    found = cache.get_many(list(keys.values()))
    calendars = {
        user_id: found[key]
        for user_id, key in keys.items()
        if isinstance(found.get(key), WorkCalendar)
    }
    missing = [user_id for user_id in wanted if user_id not in calendars]
    if missing:
        built = _build_people(missing, years, version)
        cache.set_many({keys[user_id]: built[user_id] for user_id in missing}, CACHE_SECONDS)
        calendars.update(built)
    return calendars


@dataclass
class _Person:
    organization_id: int | None = None
    weekdays: str = ""
    hours: Decimal | None = None
    leave: set[date] | None = None


def _build_people(user_ids: list[int], years: range, version: str) -> dict[int, WorkCalendar]:
    first, last = date(years.start, 1, 1), date(years.stop - 1, 12, 31)
    # One query: each person left-joined to their personal calendar and their leave within the
    # years (one row per period of leave, or one row of Nones for the leave columns).
    rows = (
        User._default_manager.filter(pk__in=user_ids)
        .annotate(
            leave_in_years=FilteredRelation(
                "leaves", condition=Q(leaves__end__gte=first, leaves__start__lte=last)
            )
        )
        .order_by()
        .values_list(
            "pk",
            "organization_id",
            "personal_calendar__working_weekdays",
            "personal_calendar__hours_per_day",
            "leave_in_years__start",
            "leave_in_years__end",
        )
    )
    people: dict[int, _Person] = {}
    for user_id, organization_id, weekdays, hours, start, end in rows:
        person = people.setdefault(user_id, _Person(organization_id, weekdays or "", hours, set()))
        if start is not None and end is not None and person.leave is not None:
            day = max(start, first)
            while day <= min(end, last):
                person.leave.add(day)
                day += timedelta(days=1)
    organisations = _organization_calendars(
        {person.organization_id for person in people.values()}, years, version
    )
    calendars = {}
    for user_id in user_ids:
        person = people.get(user_id, _Person())
        base = organisations.get(person.organization_id, WorkCalendar.default())
        calendars[user_id] = _personal(base, person)
    return calendars


def _personal(base: WorkCalendar, person: _Person) -> WorkCalendar:
    leave = frozenset(person.leave or ())
    return WorkCalendar(
        working_weekdays=(
            frozenset(int(digit) - 1 for digit in person.weekdays)
            if person.weekdays
            else base.working_weekdays
        ),
        hours_per_day=person.hours if person.hours is not None else base.hours_per_day,
        holidays=base.holidays | leave,
        extra_working_days=base.extra_working_days - leave,
    )


def _organization_calendars(
    organization_ids: Iterable[int | None], years: range, version: str
) -> dict[int | None, WorkCalendar]:
    """`calendar_for_organization_id` for many organisations (under the same cache keys): at
    most one query, for those not cached."""
    wanted = sorted(pk for pk in set(organization_ids) if pk is not None)
    keys = {pk: f"working-calendars:{version}:{pk}:{years.start}" for pk in wanted}
    found = cache.get_many(list(keys.values())) if keys else {}
    calendars: dict[int | None, WorkCalendar] = {
        pk: found[key] for pk, key in keys.items() if isinstance(found.get(key), WorkCalendar)
    }
    missing = [pk for pk in wanted if pk not in calendars]
    if not missing:
        return calendars
    rows: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for organization_id, *row in (
        WorkingCalendar.objects.filter(organization_id__in=missing)
        .order_by("organization_id", "days__date")
        .values_list(
            "organization_id",
            "country",
            "subdivision",
            "working_weekdays",
            "hours_per_day",
            "days__date",
            "days__kind",
        )
    ):
        rows[organization_id].append(tuple(row))
    built = {
        pk: _assemble(rows[pk], years) if rows.get(pk) else WorkCalendar.default() for pk in missing
    }
    cache.set_many({keys[pk]: calendar for pk, calendar in built.items()}, CACHE_SECONDS)
    for pk, calendar in built.items():
        calendars[pk] = calendar
    return calendars


def _assemble(rows: list[tuple[Any, ...]], years: range) -> WorkCalendar:
    """An organisation's calendar from its rows (country, region, weekdays, hours, own day, its
    kind: one row per own day, or one with Nones for a calendar without any)."""
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


def week_capacity(calendar: WorkCalendar, monday: date) -> Decimal:
    """The hours `calendar` offers in the week from `monday`: its hours per working day times its
    working days in that week (holidays and leave count for none, a make-up day for a day)."""
    days = sum(1 for offset in range(7) if calendar.is_working_day(monday + timedelta(offset)))
    return calendar.hours_per_day * days


# --- Reads for the calendar pages -----------------------------------------------------------------


@dataclass(frozen=True)
class PublicDay:
    """A day of a country's calendar for the year shown: a public holiday, or a make-up working
    day (`is_working_day`)."""

    date: date
    name: str
    is_working_day: bool


def public_days_in(country: str, subdivision: str, year: int) -> list[PublicDay]:
    """The public holidays and make-up working days of a country (and region) in `year`, named
    in the reader's language when the `holidays` package has it (Simplified Chinese, English)."""
    if not country:
        return []
    try:
        public = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    except NotImplementedError:
        return []
    language = "zh_CN" if (get_language() or "").startswith("zh") else "en_US"
    if language in getattr(public, "supported_languages", ()):
        public = holidays.country_holidays(
            country, subdiv=subdivision or None, years=year, language=language
        )
    days = [
        PublicDay(day, name, is_working_day=False)
        for day, name in public.items()
        if day.year == year
    ]
    days += [
        PublicDay(day, _("Make-up working day"), is_working_day=True)
        for day in getattr(public, "weekend_workdays", ())
        if day.year == year
    ]
    return sorted(days, key=lambda day: day.date)


def organization_calendar_list_for(*, user: User) -> list[Organization]:
    """Every organisation, the provider first, with its `working_calendar` (or none) and
    `day_count`, its own days. Staff admins only. One query."""
    if not is_staff_admin(user):
        raise NotAllowed()
    return list(
        Organization.objects.select_related("working_calendar")
        .annotate(day_count=Count("working_calendar__days"))
        .order_by("-kind", "name")
    )


def organization_get_for_calendar(*, user: User, organization_id: int) -> Organization:
    """The organisation whose calendar a staff admin edits (with its `working_calendar`, if
    any); NotFound for anyone else and for a missing one."""
    if not is_staff_admin(user):
        raise NotFound()
    organization = (
        Organization.objects.select_related("working_calendar").filter(pk=organization_id).first()
    )
    if organization is None:
        raise NotFound()
    return organization


def calendar_day_list_for(*, organization: Organization) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(calendar__organization=organization).order_by("date"))


def personal_calendar_get_for(*, user: User) -> PersonalCalendar | None:
    return PersonalCalendar.objects.filter(user=user).first()


def leave_list_for(*, user: User, since: date) -> list[Leave]:
    """The person's own leave that ends on or after `since`, the earliest first."""
    return list(Leave.objects.filter(user=user, end__gte=since).order_by("start", "pk"))


def leave_by_person(*, user_ids: Iterable[int], start: date, end: date) -> dict[int, list[Leave]]:
    """{user id: their periods of leave that meet `start`..`end`}, for the resource view (whose
    caller decides who may see whose: PMs and staff admins, who see the dates and the kind, never
    the note). One query."""
    found: dict[int, list[Leave]] = defaultdict(list)
    for leave in (
        Leave.objects.filter(user_id__in=list(user_ids), end__gte=start, start__lte=end)
        .order_by("start", "pk")
        .only("user_id", "start", "end", "kind")
    ):
        found[leave.user_id].append(leave)
    return dict(found)


# --- Writes ---------------------------------------------------------------------------------------


def _validated(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """`full_clean`, its first error raised as InvalidInput on its field."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(
            " ".join(messages), field=None if field == NON_FIELD_ERRORS else field
        ) from error


@transaction.atomic
def working_calendar_update(
    *,
    actor: User,
    organization: Organization,
    country: str,
    subdivision: str,
    working_weekdays: str,
    hours_per_day: Decimal,
) -> WorkingCalendar:
    """Set an organisation's calendar (created on its first save). Staff admins only. The region
    must be one of the country's; every cached calendar is forgotten (accounts.receivers)."""
    if not is_staff_admin(actor):
        raise NotAllowed()
    calendar = WorkingCalendar.objects.select_for_update().filter(
        organization=organization
    ).first() or WorkingCalendar(organization=organization)
    calendar.country = country
    calendar.subdivision = subdivision.strip()
    calendar.working_weekdays = working_weekdays
    calendar.hours_per_day = hours_per_day
    _validated(calendar, exclude=["organization"])
    calendar.save()
    return calendar


@transaction.atomic
def calendar_day_add(
    *, actor: User, organization: Organization, day: date, kind: str, name: str
) -> CalendarDay:
    """Add one of an organisation's own days: a holiday or a make-up working day (its calendar
    is created, Monday to Friday, if it has none). Staff admins only; one day per date."""
    if not is_staff_admin(actor):
        raise NotAllowed()
    calendar, _created = WorkingCalendar.objects.get_or_create(organization=organization)
    if CalendarDay.objects.filter(calendar=calendar, date=day).exists():
        raise InvalidInput(
            _("%(date)s is already one of this calendar's days.") % {"date": day.isoformat()},
            field="date",
        )
    row = CalendarDay(calendar=calendar, date=day, kind=kind, name=name.strip())
    _validated(row, exclude=["calendar"])
    row.save()
    return row


def calendar_day_delete(*, actor: User, organization: Organization, day_id: int) -> None:
    """Remove one of an organisation's own days. Staff admins only; NotFound for a day of
    another organisation."""
    if not is_staff_admin(actor):
        raise NotAllowed()
    deleted, _detail = CalendarDay.objects.filter(
        pk=day_id, calendar__organization=organization
    ).delete()
    if not deleted:
        raise NotFound()


def personal_calendar_update(
    *, actor: User, working_weekdays: str, hours_per_day: Decimal | None
) -> PersonalCalendar | None:
    """Set the actor's own working pattern (part-time); both empty go back to the organisation's
    (the row is removed, None returned). Provider people only."""
    if not is_provider_user(actor) or not actor.is_active:
        raise NotAllowed()
    if not working_weekdays and hours_per_day is None:
        PersonalCalendar.objects.filter(user=actor).delete()
        return None
    calendar = PersonalCalendar.objects.filter(user=actor).first() or PersonalCalendar(user=actor)
    calendar.working_weekdays = working_weekdays
    calendar.hours_per_day = hours_per_day
    _validated(calendar, exclude=["user"])
    calendar.save()
    return calendar


@transaction.atomic
def leave_add(*, actor: User, start: date, end: date, kind: str, note: str = "") -> Leave:
    """Record a period of the actor's own leave, `start` to `end` included. Provider people
    only; at most LEAVE_MAX_DAYS long, and not over another period of their leave."""
    if not is_provider_user(actor) or not actor.is_active:
        raise NotAllowed()
    if end < start:
        raise InvalidInput(_("The last day cannot be before the first."), field="end")
    if (end - start).days >= LEAVE_MAX_DAYS:
        raise InvalidInput(_("A period of leave is at most a year long."), field="end")
    # The person's row serialises their additions, so two overlapping ones cannot both pass.
    User._default_manager.select_for_update().filter(pk=actor.pk).first()
    if Leave.objects.filter(user=actor, start__lte=end, end__gte=start).exists():
        raise InvalidInput(_("This overlaps leave you already recorded."), field="start")
    leave = Leave(user=actor, start=start, end=end, kind=kind, note=note.strip())
    _validated(leave, exclude=["user"])
    leave.save()
    return leave


def leave_delete(*, actor: User, leave_id: int) -> None:
    """Remove a period of the actor's own leave; NotFound for anyone else's."""
    deleted, _detail = Leave.objects.filter(pk=leave_id, user=actor).delete()
    if not deleted:
        raise NotFound()


def calendars_for_organization_ids(
    organization_ids: Iterable[int | None], *, around: date | None = None
) -> dict[int | None, WorkCalendar]:
    """`calendar_for_organization_id` for many organisations at once, by id (None: the
    default calendar): at most one query, for those not cached."""
    wanted = set(organization_ids)
    calendars = _organization_calendars(
        wanted, calendar_years(around or timezone.localdate()), _version()
    )
    if None in wanted:
        calendars[None] = WorkCalendar.default()
    return calendars
