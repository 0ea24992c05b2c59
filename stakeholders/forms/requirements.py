"""Forms for requirements: the staff side (create, edit, link, move on) and the portal (submit,
confirm, accept)."""

from __future__ import annotations

from typing import Any, cast

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

    def __init__(
        self,
        *args: Any,
        project: Project,
        trace: tuple[list[Milestone], list[Deliverable]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`trace`: the project's milestones and deliverables when the page has read them
        (requirement_trace_choices), which the fields then offer without a query of their own;
        a posted value is still checked against the project's."""
        super().__init__(*args, **kwargs)
        milestones = cast("forms.ModelMultipleChoiceField", self.fields["milestones"])
        deliverables = cast("forms.ModelMultipleChoiceField", self.fields["deliverables"])
        milestones.queryset = Milestone.objects.filter(project=project)
        deliverables.queryset = Deliverable.objects.filter(project=project)
        if trace is not None:
            milestone_rows, deliverable_rows = trace
            milestones.choices = [
                (row.pk, milestones.label_from_instance(row)) for row in milestone_rows
            ]
            deliverables.choices = [
                (row.pk, deliverables.label_from_instance(row)) for row in deliverable_rows
            ]


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
