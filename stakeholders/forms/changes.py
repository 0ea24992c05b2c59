"""Forms for change requests (staff pages and the portal)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common.revisions import EditConflict, Revisioned, RevisionFormMixin
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from projects.models import Milestone, Visibility
from stakeholders.models import ChangeRequest, Requirement


def _requirement_label(requirement: Requirement) -> str:
    return f"{requirement.reference} {requirement.title}"


class RequirementLinksMixin(forms.Form):
    """The requirements a change request touches, offered from what the person may see."""

    requirements = forms.ModelMultipleChoiceField(
        label=_("Linked requirements"),
        queryset=Requirement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(
        self,
        *args: Any,
        requirements: QuerySet[Requirement] | None = None,
        requirement_rows: list[Requirement] | None = None,
        **kwargs: Any,
    ) -> None:
        """`requirement_rows`: the requirements of `requirements` when the page has read them
        (requirement_link_choices), which the field then offers without a query of its own; a
        posted value is still checked against `requirements`."""
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelMultipleChoiceField", self.fields["requirements"])
        if requirements is not None:
            field.queryset = requirements
            field.label_from_instance = _requirement_label  # type: ignore[method-assign,assignment]
        if requirement_rows is not None:
            field.choices = [(row.pk, field.label_from_instance(row)) for row in requirement_rows]

    def clean_requirements(self) -> list[int]:
        return [requirement.pk for requirement in self.cleaned_data["requirements"]]


class ChangeRequestForm(RequirementLinksMixin):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    reason = forms.CharField(
        label=_("Reason (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SHORT_TEXT_MAX_LENGTH,
    )


class StaffChangeRequestForm(ChangeRequestForm):
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.CLIENT
    )


class AssessForm(RevisionFormMixin, RequirementLinksMixin):
    """The PM's assessment: scope and cost, and the days each milestone moves; with the
    revision of the change request it was opened at."""

    scope_impact = forms.CharField(
        label=_("Impact on scope"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    cost_impact = forms.DecimalField(
        label=_("Impact on cost"), max_digits=14, decimal_places=2, initial=0
    )
    contingency_impact = forms.DecimalField(
        label=_("Of which contingency"),
        max_digits=14,
        decimal_places=2,
        initial=0,
        required=False,
        help_text=_(
            "The part of the cost with no work of its own. The rest pays for added scope, "
            "whose tasks you mark as added by this change."
        ),
    )
    rebaseline = forms.BooleanField(
        label=_("Re-baseline the plan when both sides approve"),
        required=False,
        help_text=_(
            "The approved plan becomes the new baseline, and the client sees it. Without it, "
            "the moved dates count as slippage against the current baseline."
        ),
    )
    internal_note = forms.CharField(
        label=_("Internal note: the team's cost breakdown (never shown to the client)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)

    def __init__(self, *args: Any, milestones: list[Milestone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The requirement links come after the impact, before the days per milestone.
        self.order_fields(
            [
                "scope_impact",
                "cost_impact",
                "contingency_impact",
                "rebaseline",
                "internal_note",
                "visibility",
            ]
        )
        self.milestones = milestones
        for milestone in milestones:
            self.fields[f"days_{milestone.pk}"] = forms.IntegerField(
                label=milestone.name, required=False, initial=0
            )

    def current_value(self, name: str, current: Revisioned) -> Any:
        change_request = cast("ChangeRequest", current)
        if name == "requirements":
            return [
                f"{requirement.reference} {requirement.title}"
                for requirement in change_request.requirements.all()
            ]
        if name.startswith("days_"):
            days = {i.milestone_id: i.days for i in change_request.schedule_impacts.all()}
            return days.get(int(name.removeprefix("days_")), 0)
        return super().current_value(name, current)

    def show_conflict(self, error: EditConflict) -> None:
        # Compared as the person reads them: references and titles, not ids.
        chosen = self.cleaned_data.get("requirements") or []
        labels = {
            requirement.pk: f"{requirement.reference} {requirement.title}"
            for requirement in Requirement.objects.filter(pk__in=chosen)
        }
        self.cleaned_data["requirements"] = [labels.get(pk, str(pk)) for pk in chosen]
        self.cleaned_data.update(
            {f"days_{m.pk}": self.cleaned_data.get(f"days_{m.pk}") or 0 for m in self.milestones}
        )
        super().show_conflict(error)

    def schedule(self) -> dict[int, int]:
        return {
            m.pk: self.cleaned_data.get(f"days_{m.pk}") or 0
            for m in self.milestones
            if self.cleaned_data.get(f"days_{m.pk}")
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(
        label=_("Reason for a rejection"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=SHORT_TEXT_MAX_LENGTH,
    )
