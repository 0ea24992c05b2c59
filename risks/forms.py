"""Forms of the risk register (staff pages and the portal). They only parse; the services
validate the rules and the forms show their errors (common.errors.add_form_error)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.widgets import DateInput
from projects.models import Membership, Project, Visibility
from risks.models import Category, Risk, RiskSettings, Strategy


def _scale_choices(labels: list[str], *, blank: bool) -> list[tuple[Any, str]]:
    choices: list[tuple[Any, str]] = [("", "—")] if blank else []
    return [*choices, *((n, f"{n} · {label}") for n, label in enumerate(labels, start=1))]


def _members(project: Project) -> Any:
    return User.objects.filter(
        pk__in=Membership.objects.filter(project=project).values("user_id"), is_active=True
    ).order_by("display_name")


class ScaleField(forms.TypedChoiceField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)


class PortalRiskForm(forms.Form):
    """What the client says when raising a risk: the PM assesses it."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What could happen? (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    cause = forms.CharField(
        label=_("Cause"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    effect = forms.CharField(
        label=_("Effect on the result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RiskDetailsForm(forms.Form):
    """The fields a manager edits (the assessment and the status have their own forms)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description (Markdown)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    cause = forms.CharField(
        label=_("Cause"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    effect = forms.CharField(
        label=_("Effect"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    strategy = forms.ChoiceField(
        label=_("Response strategy"), choices=[("", "—"), *Strategy.choices], required=False
    )
    contingency_plan = forms.CharField(
        label=_("Contingency plan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    trigger = forms.CharField(
        label=_("Trigger / early-warning signs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
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
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(project)  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]

    @classmethod
    def initial_of(cls, risk: Risk) -> dict[str, Any]:
        return {name: getattr(risk, name) for name in cls.base_fields}


class RiskCreateForm(RiskDetailsForm):
    """The team raises a risk and may assess it at once."""

    probability = ScaleField(label=_("Probability"), required=False)
    impact = ScaleField(label=_("Impact"), required=False)

    def __init__(self, *args: Any, project: Project, settings: RiskSettings, **kwargs: Any):
        super().__init__(*args, project=project, **kwargs)
        self.fields["probability"].choices = _scale_choices(  # type: ignore[attr-defined]
            settings.probability_labels(), blank=True
        )
        self.fields["impact"].choices = _scale_choices(  # type: ignore[attr-defined]
            settings.impact_labels(), blank=True
        )


class AssessForm(forms.Form):
    probability = ScaleField(label=_("Probability"))
    impact = ScaleField(label=_("Impact"))
    residual_probability = ScaleField(
        label=_("Residual probability (after the response)"), required=False
    )
    residual_impact = ScaleField(label=_("Residual impact (after the response)"), required=False)
    note = forms.CharField(
        label=_("Why this assessment?"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_review_date = forms.DateField(label=_("Next review"), required=False, widget=DateInput())

    def __init__(self, *args: Any, settings: RiskSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        probability = settings.probability_labels()
        impact = settings.impact_labels()
        self.fields["probability"].choices = _scale_choices(probability, blank=True)  # type: ignore[attr-defined]
        self.fields["impact"].choices = _scale_choices(impact, blank=True)  # type: ignore[attr-defined]
        self.fields["residual_probability"].choices = _scale_choices(probability, blank=True)  # type: ignore[attr-defined]
        self.fields["residual_impact"].choices = _scale_choices(impact, blank=True)  # type: ignore[attr-defined]


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Mitigation action"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due_date = forms.DateField(label=_("Due"), required=False, widget=DateInput())

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(project)  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Risk.Status.choices)
    reason = forms.CharField(
        label=_("Reason (to close)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    impact = forms.CharField(
        label=_("Impact it had (when it occurred)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class IssueResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}))


class RiskSettingsForm(forms.Form):
    medium_from = forms.IntegerField(label=_("Medium from score"), min_value=2, max_value=25)
    high_from = forms.IntegerField(label=_("High from score"), min_value=2, max_value=25)
    critical_from = forms.IntegerField(label=_("Critical from score"), min_value=2, max_value=25)
    review_tolerance_days = forms.IntegerField(
        label=_("Review tolerance (days overdue before the project health shows it)"),
        min_value=0,
        max_value=365,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in (("probability", _("Probability")), ("impact", _("Impact"))):
            for n in range(1, 6):
                self.fields[f"{kind}_{n}"] = forms.CharField(
                    label=f"{label} {n}", max_length=200, required=False
                )

    @classmethod
    def initial_of(cls, settings: RiskSettings) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "medium_from": settings.medium_from,
            "high_from": settings.high_from,
            "critical_from": settings.critical_from,
            "review_tolerance_days": settings.review_tolerance_days,
        }
        for kind in ("probability", "impact"):
            values = getattr(settings, f"{kind}_scale") or []
            for n in range(1, 6):
                initial[f"{kind}_{n}"] = values[n - 1] if n - 1 < len(values) else ""
        return initial

    def scale(self, kind: str) -> list[str]:
        return [self.cleaned_data.get(f"{kind}_{n}") or "" for n in range(1, 6)]
