from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.models import Entry


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
