"""Forms of the account pages: an interaction, an opportunity."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from common.text import LONG_TEXT_MAX_LENGTH
from common.widgets import DateInput
from feedback.models import Interaction, Opportunity


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Interaction.Kind.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    people = forms.CharField(label=_("People"), max_length=300)
    notes = forms.CharField(
        label=_("Notes (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    reminder_on = forms.DateField(label=_("Remind me on"), required=False, widget=DateInput())


class OpportunityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    value_estimate = forms.DecimalField(
        label=_("Value estimate"), max_digits=14, decimal_places=2, required=False, min_value=0
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    stage = forms.ChoiceField(label=_("Stage"), choices=Opportunity.Stage.choices)
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    expected_close_on = forms.DateField(
        label=_("Expected close"), required=False, widget=DateInput()
    )
