from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from accounts.forms_calendars import WEEKDAY_CHOICES
from accounts.models import (
    CalendarDay,
    Leave,
    Organization,
    PersonalCalendar,
    User,
    WorkingCalendar,
)
from accounts.services import credentials_revoke


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "language", "time_zone"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "organization", "language", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "organization__kind"]
    search_fields = ["email", "display_name"]
    list_select_related = ["organization"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "organization", "language", "time_zone")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "organization", "password1", "password2"),
            },
        ),
    )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """A password set by a staff admin revokes like the person's own change: their API token
        and their sessions (but the staff admin's own, when it is their own password)."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            if user is not None:
                own = user.pk == request.user.pk
                credentials_revoke(
                    user=user, keep_session_key=request.session.session_key if own else None
                )
        return response


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 1
    fields = ["date", "kind", "name"]


class WorkingCalendarForm(forms.ModelForm):
    working_weekdays = forms.MultipleChoiceField(
        label=_("working weekdays"),
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WorkingCalendar
        fields = ["organization", "country", "subdivision", "working_weekdays", "hours_per_day"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["working_weekdays"] = list(
            self.instance.working_weekdays if self.instance.pk else "12345"
        )

    def clean_working_weekdays(self) -> str:
        return "".join(sorted(self.cleaned_data["working_weekdays"]))


@admin.register(WorkingCalendar)
class WorkingCalendarAdmin(admin.ModelAdmin):
    """Staff admins set each organisation's calendar here (the dedicated pages come later)."""

    form = WorkingCalendarForm
    list_display = ["organization", "country", "subdivision", "working_weekdays", "hours_per_day"]
    list_select_related = ["organization"]
    search_fields = ["organization__name"]
    inlines = [CalendarDayInline]


@admin.register(PersonalCalendar)
class PersonalCalendarAdmin(admin.ModelAdmin):
    """People set their own on "My calendar" (accounts.views_calendars)."""

    list_display = ["user", "working_weekdays", "hours_per_day", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__display_name"]


@admin.register(Leave)
class LeaveAdmin(admin.ModelAdmin):
    list_display = ["user", "start", "end", "kind"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__display_name"]
    date_hierarchy = "start"
