"""The assessment form of a risk's page, on the project's scales."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.text import SHORT_TEXT_MAX_LENGTH
from common.widgets import DateInput
from risks.forms.fields import ScaleField, scale_choices
from risks.models import RiskSettings


class AssessForm(forms.Form):
    probability = ScaleField(label=_("Probability"))
    impact = ScaleField(label=_("Impact"))
    residual_probability = ScaleField(
        label=_("Residual probability (after the response)"), required=False
    )
    residual_impact = ScaleField(label=_("Residual impact (after the response)"), required=False)
    note = forms.CharField(
        label=_("Why this assessment?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=SHORT_TEXT_MAX_LENGTH,
    )
    next_review_date = forms.DateField(label=_("Next review"), required=False, widget=DateInput())

    def __init__(self, *args: Any, settings: RiskSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        probability = settings.probability_labels()
        impact = settings.impact_labels()
        self.fields["probability"].choices = scale_choices(probability, blank=True)  # type: ignore[attr-defined]
        self.fields["impact"].choices = scale_choices(impact, blank=True)  # type: ignore[attr-defined]
        self.fields["residual_probability"].choices = scale_choices(probability, blank=True)  # type: ignore[attr-defined]
        self.fields["residual_impact"].choices = scale_choices(impact, blank=True)  # type: ignore[attr-defined]
