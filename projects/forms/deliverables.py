"""Forms for milestones and deliverables: the plan, quality reviews, submission to the client and
the client's decision."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.revisions import RevisionFormMixin
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from common.widgets import DateInput
from projects.models import Visibility


class MilestoneForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.CLIENT
    )


class MilestoneEditForm(RevisionFormMixin, MilestoneForm):
    pass


class DeliverableForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    criteria = forms.CharField(
        label=_("Acceptance criteria"),
        required=False,
        help_text=_("One criterion per line; the client accepts or rejects against them."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.CLIENT
    )

    def __init__(self, *args: object, team: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast("forms.ChoiceField", self.fields["owner"]).choices = [("", "—"), *team]

    def criteria_lines(self) -> list[str]:
        return self.cleaned_data.get("criteria", "").splitlines()


class QualityReviewForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[
            ("1", _("Passed: meets every criterion")),
            ("0", pgettext_lazy("quality review", "Failed")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (a list; empty when none was chosen)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[object]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class SubmitForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the client"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=SHORT_TEXT_MAX_LENGTH,
    )
    files = MultipleFileField(  # type: ignore[assignment]  # a field, not BaseForm.files
        label=_("Files"),
        required=False,
        help_text=_("Optional: they are shared with the client with this submission."),
    )


class AcceptanceDecisionForm(forms.Form):
    """The client's answer: accept, or reject with a reason for each criterion not met."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=SHORT_TEXT_MAX_LENGTH,
    )

    def __init__(self, *args: object, criteria: list[object], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"failed_{criterion.pk}"] = forms.BooleanField(  # type: ignore[attr-defined]
                label=_("Not met"), required=False
            )
            self.fields[f"reason_{criterion.pk}"] = forms.CharField(  # type: ignore[attr-defined]
                label=_("Why not"), required=False, max_length=2000
            )

    def failed_criteria(self) -> list[tuple[int, str]]:
        return [
            (criterion.pk, self.cleaned_data.get(f"reason_{criterion.pk}", ""))  # type: ignore[attr-defined]
            for criterion in self.criteria
            if self.cleaned_data.get(f"failed_{criterion.pk}")  # type: ignore[attr-defined]
        ]

    def rows(self) -> list[tuple[object, forms.BoundField, forms.BoundField]]:
        return [
            (criterion, self[f"failed_{criterion.pk}"], self[f"reason_{criterion.pk}"])  # type: ignore[attr-defined]
            for criterion in self.criteria
        ]
