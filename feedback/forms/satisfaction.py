"""The satisfaction dashboard's filters."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from common.widgets import DateInput, LongSelect
from feedback.forms.surveys import BootstrapForm
from feedback.selectors.satisfaction import DashboardFilters, default_filters


class DashboardFilterForm(BootstrapForm):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    # An AM of many clients and PMs: their options written in Python (common.widgets).
    client = forms.TypedChoiceField(
        label=_("Client"), required=False, coerce=int, empty_value=None, widget=LongSelect
    )
    pm = forms.TypedChoiceField(
        label=_("Project manager"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=LongSelect,
    )

    def __init__(
        self, *args: Any, clients: list[tuple[int, str]], pms: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["client"]).choices = [("", _("All clients")), *clients]
        cast(forms.ChoiceField, self.fields["pm"]).choices = [
            ("", _("All project managers")),
            *pms,
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period is before its start."))
        if start and end and (end - start).days > 3 * 366:
            self.add_error("start", _("Choose a period of at most three years."))
        return data

    def filters(self) -> DashboardFilters:
        """The valid filters, or the default period when the form is not valid."""
        default = default_filters()
        if not self.is_valid():
            return default
        data = self.cleaned_data
        start: date = data.get("start") or default.start
        end: date = data.get("end") or default.end
        if start > end:
            return default
        return DashboardFilters(
            start=start, end=end, client_id=data.get("client"), pm_id=data.get("pm")
        )
