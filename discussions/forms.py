"""The forms of a thread (a new entry, with its files) and of the files of an item."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from discussions.models import Entry


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the services check each (size, type, not a program)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(one, initial) for one in data]
        return [single(data, initial)]


class AttachmentForm(forms.Form):
    files = MultipleFileField(label=_("Files"), required=True)  # type: ignore[assignment]


class EntryForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Markdown; mention people with @name or @e-mail."),
    )
    kind = forms.ChoiceField(
        label=_("Who sees it"),
        choices=[
            (Entry.Kind.REPLY, _("Reply (the client sees it)")),
            (Entry.Kind.INTERNAL_NOTE, _("Internal note (provider only)")),
        ],
        initial=Entry.Kind.REPLY,
        required=False,
    )
    files = MultipleFileField(label=_("Attach files"))  # type: ignore[assignment]
