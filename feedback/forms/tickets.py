"""Forms of the ticket pages. They parse input; the services validate the rules and their errors
land on the fields (common.errors.add_form_error).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.revisions import RevisionFormMixin
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from feedback.models import TicketKind, TicketSeverity
from projects.models import Visibility


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class TicketForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it?"), choices=TicketKind.choices, initial=TicketKind.COMPLAINT
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=TicketSeverity.choices,
        initial=TicketSeverity.MEDIUM,
        help_text=_("For a complaint, the severity sets how fast we respond."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    # A form field named like BaseForm.files (the uploaded files): the services take `files`.
    files = MultipleFileField(label=_("Attachments"), required=False)  # type: ignore[assignment]


class PortalTicketForm(TicketForm):
    """The portal's form: the project is chosen among the client's own projects."""

    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    field_order = ["project", "kind", "severity", "title", "description", "files"]

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = projects  # type: ignore[attr-defined]


class StaffTicketForm(TicketForm):
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Visibility.choices,
        initial=Visibility.CLIENT,
        help_text=_("An internal ticket is the team's only: the client never sees it."),
    )


class AcknowledgeForm(forms.Form):
    message = forms.CharField(
        label=_("Reply to the client (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SHORT_TEXT_MAX_LENGTH,
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("What was done (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SHORT_TEXT_MAX_LENGTH,
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it not resolved?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SHORT_TEXT_MAX_LENGTH,
    )


class AttachForm(forms.Form):
    file = forms.FileField(label=_("Add a file"))


class TicketUpdateForm(RevisionFormMixin, forms.Form):
    """Owner and severity, with the revision of the ticket they were opened at."""

    revision_attributes = {"owner": "owner_id"}

    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    severity = forms.ChoiceField(label=_("Severity"), choices=TicketSeverity.choices)

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]
