"""Forms of the register: raise a risk (staff pages and the portal), edit it, change its status.
They only parse; the services validate the rules and the forms show their errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.revisions import RevisionFormMixin
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from common.widgets import DateInput
from projects.models import Project, Visibility
from risks.forms.fields import ScaleField, members, scale_choices
from risks.models import Category, Risk, RiskSettings, Strategy


class PortalRiskForm(forms.Form):
    """What the client says when raising a risk: the PM assesses it."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What could happen? (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    cause = forms.CharField(
        label=_("Cause"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    effect = forms.CharField(
        label=_("Effect on the result"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )


class RiskDetailsForm(forms.Form):
    """The fields a manager edits (the assessment and the status have their own forms)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    cause = forms.CharField(
        label=_("Cause"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    effect = forms.CharField(
        label=_("Effect"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    owner = forms.ModelChoiceField(
        empty_label="—", label=_("Owner"), queryset=User.objects.none(), required=False
    )
    strategy = forms.ChoiceField(
        label=_("Response strategy"), choices=[("", "—"), *Strategy.choices], required=False
    )
    contingency_plan = forms.CharField(
        label=_("Contingency plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    trigger = forms.CharField(
        label=_("Trigger / early-warning signs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    proximity = forms.DateField(label=_("Could happen by"), required=False, widget=DateInput())
    next_review_date = forms.DateField(label=_("Next review"), required=False, widget=DateInput())
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )
    internal_note = forms.CharField(
        label=_("Internal note (never shown to the client)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members(project)  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]

    @classmethod
    def initial_of(cls, risk: Risk) -> dict[str, Any]:
        return {name: getattr(risk, name) for name in cls.base_fields}


class RiskEditForm(RevisionFormMixin, RiskDetailsForm):
    """The details of an existing risk, with the revision they were opened at."""

    @classmethod
    def initial_of(cls, risk: Risk) -> dict[str, Any]:
        return {**super().initial_of(risk), "revision": risk.revision}


class RiskCreateForm(RiskDetailsForm):
    """The team raises a risk and may assess it at once."""

    probability = ScaleField(label=_("Probability"), required=False)
    impact = ScaleField(label=_("Impact"), required=False)

    def __init__(self, *args: Any, project: Project, settings: RiskSettings, **kwargs: Any):
        super().__init__(*args, project=project, **kwargs)
        self.fields["probability"].choices = scale_choices(  # type: ignore[attr-defined]
            settings.probability_labels(), blank=True
        )
        self.fields["impact"].choices = scale_choices(  # type: ignore[attr-defined]
            settings.impact_labels(), blank=True
        )


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Risk.Status.choices)
    reason = forms.CharField(
        label=_("Reason (to close)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=SHORT_TEXT_MAX_LENGTH,
    )
    impact = forms.CharField(
        label=_("Impact it had (when it occurred)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
