"""Forms for requirements: the staff side (create, edit, link, move on) and the portal (submit,
confirm, accept)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.revisions import RevisionFormMixin
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, length_help_text
from discussions.forms import MultipleFileField
from projects.models import Deliverable, Milestone, Project, Visibility
from stakeholders.models import Requirement


class RequirementForm(forms.Form):
    """The PM's form: the text, priority, visibility and the trace to the plan."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=length_help_text(LONG_TEXT_MAX_LENGTH, _("Markdown: **bold**, lists, links.")),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Requirement.Priority.choices, initial="should"
    )
    acceptance_notes = forms.CharField(
        label=_("Acceptance notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )
    milestones = forms.ModelMultipleChoiceField(
        label=_("Milestones"), queryset=Milestone.objects.none(), required=False
    )
    deliverables = forms.ModelMultipleChoiceField(
        label=_("Deliverables"), queryset=Deliverable.objects.none(), required=False
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestones"].queryset = Milestone.objects.filter(project=project)  # type: ignore[attr-defined]
        self.fields["deliverables"].queryset = Deliverable.objects.filter(project=project)  # type: ignore[attr-defined]


class PortalRequirementForm(forms.Form):
    """The client submits a requirement: what they need and how much it matters."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=length_help_text(LONG_TEXT_MAX_LENGTH, _("Markdown: **bold**, lists, links.")),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Requirement.Priority.choices, initial="should"
    )


class RequirementEditForm(RevisionFormMixin, RequirementForm):
    """The PM's form on an existing requirement, with the revision it was opened at."""


class RequirementStepForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=SHORT_TEXT_MAX_LENGTH,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RequirementCreateForm(RequirementForm):
    files = MultipleFileField(label=_("Attach files"))  # type: ignore[assignment]


class PortalRequirementCreateForm(PortalRequirementForm):
    files = MultipleFileField(label=_("Attach files"))  # type: ignore[assignment]
