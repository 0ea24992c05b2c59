"""Resolving an issue of the log."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from common.text import SHORT_TEXT_MAX_LENGTH


class IssueResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=SHORT_TEXT_MAX_LENGTH,
    )
