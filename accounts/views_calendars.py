"""The calendar pages, outside the Django admin: every organisation's working calendar and its
own days (staff admins: `accounts.administer`), and "My calendar", where every provider person
sets their part-time pattern and records their leave. Client users are sent to the portal, as
from every staff page; other provider people are refused the organisations' pages (403)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.calendars import (
    calendar_day_add,
    calendar_day_delete,
    calendar_day_list_for,
    calendar_for_organization,
    calendar_for_user,
    leave_add,
    leave_delete,
    leave_list_for,
    organization_calendar_list_for,
    organization_get_for_calendar,
    personal_calendar_get_for,
    personal_calendar_update,
    public_days_in,
    week_capacity,
    working_calendar_update,
)
from accounts.forms_calendars import (
    CalendarDayForm,
    LeaveForm,
    PersonalCalendarForm,
    WorkingCalendarForm,
)
from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from accounts.models import Organization, WorkingCalendar, holiday_country_choices
from common.errors import NotFound
from common.pages import run_action, run_form

# How far back "My calendar" lists past leave.
PAST_LEAVE_DAYS = 90
CAPACITY_WEEKS = 8


def weekday_names(digits: str) -> str:
    """ "135" -> "Mon, Wed, Fri" in the active language."""
    return ", ".join(str(WEEKDAYS_ABBR[int(digit) - 1]) for digit in digits)


def country_name(code: str) -> str:
    return dict(holiday_country_choices()).get(code, code)


@dataclass(frozen=True)
class OrganizationRow:
    organization: Organization
    calendar: WorkingCalendar | None
    day_count: int

    @property
    def country(self) -> str:
        return (
            country_name(self.calendar.country) if self.calendar and self.calendar.country else ""
        )

    @property
    def weekdays(self) -> str:
        return weekday_names(self.calendar.working_weekdays if self.calendar else "12345")


class StaffAdminCalendarMixin(StaffPageMixin, PermissionRequiredMixin):
    permission_required = "accounts.administer"


class OrganizationCalendarListView(StaffAdminCalendarMixin, TemplateView):
    """Every organisation's working calendar at a glance, the provider's first."""

    request: AuthenticatedHttpRequest
    template_name = "accounts/calendars.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            OrganizationRow(
                organization=organization,
                calendar=getattr(organization, "working_calendar", None),
                day_count=organization.day_count,  # type: ignore[attr-defined]
            )
            for organization in organization_calendar_list_for(user=self.request.user)
        ]
        context["nav"] = "operations"
        return context


class OrganizationCalendarView(StaffAdminCalendarMixin, TemplateView):
    """One organisation's calendar: its settings (posted here), its own days (added and deleted
    by the views below) and, for reference, its country's public days of a year (?year=)."""

    request: AuthenticatedHttpRequest
    template_name = "accounts/organization_calendar.html"

    @cached_property
    def organization(self) -> Organization:
        return organization_get_for_calendar(
            user=self.request.user, organization_id=self.kwargs["organization_id"]
        )

    def _year(self) -> int:
        raw = self.request.GET.get("year", "")
        if raw.isdigit() and 1950 <= int(raw) <= 2100:
            return int(raw)
        return timezone.localdate().year

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        organization = self.organization
        calendar = getattr(organization, "working_calendar", None)
        year = self._year()
        country = calendar.country if calendar else ""
        subdivision = calendar.subdivision if calendar else ""
        if "form" not in context:
            context["form"] = WorkingCalendarForm(
                initial={
                    "country": country,
                    "subdivision": subdivision,
                    "working_weekdays": list(calendar.working_weekdays if calendar else "12345"),
                    "hours_per_day": calendar.hours_per_day if calendar else 8,
                }
            )
        context.setdefault("day_form", CalendarDayForm())
        context.update(
            organization=organization,
            calendar=calendar,
            country_name=country_name(country) if country else "",
            regions=_regions_of(country),
            days=calendar_day_list_for(organization=organization),
            year=year,
            previous_year=year - 1,
            next_year=year + 1,
            public_days=public_days_in(country, subdivision, year),
            nav="operations",
        )
        return context

    def _back(self) -> HttpResponse:
        return redirect("accounts:organization_calendar", organization_id=self.organization.pk)

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = WorkingCalendarForm(request.POST)
        if run_form(
            form,
            lambda data: working_calendar_update(
                actor=request.user, organization=self.organization, **data
            ),
        ):
            messages.success(request, _("The working calendar is saved."))
            return self._back()
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _regions_of(country: str) -> list[str]:
    if not country:
        return []
    import holidays

    return [code for code in holidays.list_supported_countries().get(country, []) if code]


class CalendarDayAddView(OrganizationCalendarView):
    """POST only: add one of the organisation's own days."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CalendarDayForm(request.POST)
        if run_form(
            form,
            lambda data: calendar_day_add(
                actor=request.user,
                organization=self.organization,
                day=data["date"],
                kind=data["kind"],
                name=data["name"],
            ),
        ):
            messages.success(request, _("The day is added."))
            return self._back()
        return self.render_to_response(self.get_context_data(day_form=form), status=400)


class CalendarDayDeleteView(StaffAdminCalendarMixin, View):
    """POST only: remove the organisation's own day whose `id` is posted."""

    request: AuthenticatedHttpRequest
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organization = organization_get_for_calendar(
            user=request.user, organization_id=kwargs["organization_id"]
        )
        raw = request.POST.get("id", "")
        if not raw.isdigit():
            raise NotFound()
        run_action(
            request,
            lambda: calendar_day_delete(
                actor=request.user, organization=organization, day_id=int(raw)
            ),
            success=_("The day is removed."),
        )
        return redirect("accounts:organization_calendar", organization_id=organization.pk)


# --- My calendar ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekCapacity:
    monday: date
    hours: Decimal

    @property
    def label(self) -> str:
        year, week, _weekday = self.monday.isocalendar()
        return f"{year}-W{week:02d}"


class MyCalendarView(StaffPageMixin, TemplateView):
    """The signed-in provider person's own calendar: their working pattern (posted here), their
    leave (added and deleted by the views below) and the hours they offer in the coming weeks."""

    request: AuthenticatedHttpRequest
    template_name = "accounts/my_calendar.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        personal = personal_calendar_get_for(user=user)
        organization_calendar = calendar_for_organization(user.organization, around=today)
        if "form" not in context:
            context["form"] = PersonalCalendarForm(
                initial={
                    "working_weekdays": list(personal.working_weekdays if personal else ""),
                    "hours_per_day": personal.hours_per_day if personal else None,
                }
            )
        context.setdefault("leave_form", LeaveForm(initial={"kind": "vacation"}))
        calendar = calendar_for_user(user, around=today)
        monday = today - timedelta(days=today.weekday())
        context.update(
            organization_weekdays=", ".join(
                str(WEEKDAYS_ABBR[day]) for day in sorted(organization_calendar.working_weekdays)
            ),
            organization_hours=organization_calendar.hours_per_day,
            leaves=leave_list_for(user=user, since=today - timedelta(days=PAST_LEAVE_DAYS)),
            weeks=[
                WeekCapacity(week, week_capacity(calendar, week))
                for week in (monday + timedelta(weeks=index) for index in range(CAPACITY_WEEKS))
            ],
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PersonalCalendarForm(request.POST)
        if run_form(form, lambda data: personal_calendar_update(actor=request.user, **data)):
            messages.success(request, _("Your working pattern is saved."))
            return redirect("accounts:my_calendar")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class LeaveAddView(MyCalendarView):
    """POST only: record a period of the person's own leave."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = LeaveForm(request.POST)
        if run_form(form, lambda data: leave_add(actor=request.user, **data)):
            messages.success(request, _("Your leave is recorded."))
            return redirect("accounts:my_calendar")
        return self.render_to_response(self.get_context_data(leave_form=form), status=400)


class LeaveDeleteView(StaffPageMixin, View):
    """POST only: remove the period of the person's own leave whose `id` is posted (anyone
    else's is not found)."""

    request: AuthenticatedHttpRequest
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        raw = request.POST.get("id", "")
        if not raw.isdigit():
            raise NotFound()
        run_action(
            request,
            lambda: leave_delete(actor=request.user, leave_id=int(raw)),
            success=_("The leave is removed."),
        )
        return redirect("accounts:my_calendar")
