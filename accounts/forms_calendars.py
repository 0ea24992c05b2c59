"""Forms of the calendar pages: an organisation's working calendar and its own days (staff
admins), a person's working pattern and leave (every provider person, for themselves)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import CalendarDay, Leave, holiday_country_choices
from common.widgets import DateInput

WEEKDAY_CHOICES = [
    ("1", _("Monday")),
    ("2", _("Tuesday")),
    ("3", _("Wednesday")),
    ("4", _("Thursday")),
    ("5", _("Friday")),
    ("6", _("Saturday")),
    ("7", _("Sunday")),
]


def _country_choices() -> list[tuple[str, str]]:
    return [("", str(_("None (no public holidays)"))), *holiday_country_choices()]


class WeekdaysField(forms.MultipleChoiceField):
    """Weekdays as checkboxes, cleaned to the digits the models keep ("135")."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=WEEKDAY_CHOICES, **kwargs)

    def clean(self, value: Any) -> str:
        return "".join(sorted(super().clean(value)))


class WorkingCalendarForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices, required=False)
    subdivision = forms.CharField(
        label=_("Region"),
        max_length=32,
        required=False,
        help_text=_("A state or province code whose own holidays also count, such as BE (Berlin)."),
    )
    working_weekdays = WeekdaysField(label=_("Working weekdays"))
    hours_per_day = forms.DecimalField(
        label=_("Hours per working day"),
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.25"),
        max_value=Decimal(24),
    )


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)


class PersonalCalendarForm(forms.Form):
    working_weekdays = WeekdaysField(
        label=_("My working weekdays"),
        required=False,
        help_text=_("Tick none to work your organisation's weekdays."),
    )
    hours_per_day = forms.DecimalField(
        label=_("My hours per working day"),
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.25"),
        max_value=Decimal(24),
        required=False,
        help_text=_("Leave empty to work your organisation's hours."),
    )


class LeaveForm(forms.Form):
    start = forms.DateField(label=_("First day"), widget=DateInput())
    end = forms.DateField(label=_("Last day"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=Leave.Kind.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
