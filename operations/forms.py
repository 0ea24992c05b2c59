"""The forms of the operations pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.branding import LOGO_MAX_UPLOAD_BYTES
from accounts.models import Branding


class BrandingForm(forms.Form):
    primary_colour = forms.CharField(
        label=_("Primary colour"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=Branding._meta.get_field("primary_colour").help_text,
    )
    accent_colour = forms.CharField(
        label=_("Accent colour"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=Branding._meta.get_field("accent_colour").help_text,
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_("PNG, JPEG or WebP, at most 1 MB; shown at most 600 × 160 pixels."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo and logo.size > LOGO_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The logo is larger than 1 MB."))
        return logo
