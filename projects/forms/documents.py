"""Forms for documents: a new document and a new version of one."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from common.text import SHORT_TEXT_MAX_LENGTH
from projects.models import Visibility


class DocumentUploadForm(forms.Form):
    """A new document: its first version and what it is about."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the file's name."),
    )
    file = forms.FileField(label=_("File"))
    milestone = forms.TypedChoiceField(
        label=_("Milestone"), required=False, coerce=int, empty_value=None
    )
    deliverable = forms.TypedChoiceField(
        label=_("Deliverable"), required=False, coerce=int, empty_value=None
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=SHORT_TEXT_MAX_LENGTH,
    )

    def __init__(
        self,
        *args: object,
        milestones: list[tuple[int, str]] | None = None,
        deliverables: list[tuple[int, str]] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if milestones is None:
            del self.fields["milestone"]
        else:
            cast("forms.ChoiceField", self.fields["milestone"]).choices = [("", "—"), *milestones]
        if deliverables is None:
            del self.fields["deliverable"]
        else:
            cast("forms.ChoiceField", self.fields["deliverable"]).choices = [
                ("", "—"),
                *deliverables,
            ]


class DocumentVersionForm(forms.Form):
    """A new version of an existing document."""

    file = forms.FileField(label=_("File"))
    note = forms.CharField(label=_("What changed"), required=False, max_length=2000)


class ClientDocumentUploadForm(DocumentUploadForm):
    """A new document from the client's side (the portal): it is always visible to the client
    and the team, so there is no visibility to choose."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        del self.fields["visibility"]
