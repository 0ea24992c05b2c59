"""Forms of the time and cost tab: time entries, their approval, rates and cost entries."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from common.widgets import DateInput
from projects.models import Role, Visibility


class TimeEntryForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=4, decimal_places=2, min_value=0.01, max_value=24
    )
    task = forms.TypedChoiceField(label=_("Task"), required=False, coerce=int, empty_value=None)
    person = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    is_billable = forms.BooleanField(label=_("Billable"), required=False, initial=True)

    def __init__(
        self,
        *args: object,
        tasks: list[tuple[int, str]],
        people: list[tuple[int, str]] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast("forms.ChoiceField", self.fields["task"]).choices = [("", _("No task")), *tasks]
        if people:
            cast("forms.ChoiceField", self.fields["person"]).choices = [("", _("Myself")), *people]
        else:
            del self.fields["person"]


class ApprovalPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())


class RateForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), required=False, help_text=_("Leave empty for a person's own rate.")
    )
    user = forms.TypedChoiceField(
        label=_("Person"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Leave empty for the rate of a role."),
    )
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate"), max_digits=10, decimal_places=2, min_value=0
    )

    def __init__(self, *args: object, people: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast("forms.ChoiceField", self.fields["role"]).choices = [
            ("", "—"),
            (Role.PM, Role.PM.label),
            (Role.AM, Role.AM.label),
            (Role.TEAM_MEMBER, Role.TEAM_MEMBER.label),
        ]
        cast("forms.ChoiceField", self.fields["user"]).choices = [("", "—"), *people]


class CostEntryForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    category = forms.ChoiceField(label=_("Category"))
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        from projects.models import CostEntry

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast("forms.ChoiceField", self.fields["category"]).choices = CostEntry.Category.choices
