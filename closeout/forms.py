from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from closeout.models import Point
from common.text import SHORT_TEXT_MAX_LENGTH
from projects.models import Phase


class WaiverForm(forms.Form):
    point = forms.ChoiceField(label=_("Point"), choices=Point.choices)
    object_id = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason (internal)"), max_length=SHORT_TEXT_MAX_LENGTH, widget=forms.Textarea
    )
    client_note = forms.CharField(
        label=_("Note for the client"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea,
    )


class ClosureRequestForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the client"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea,
    )


class FinalAcceptanceForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("refuse", _("Refuse"))], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=SHORT_TEXT_MAX_LENGTH, required=False, widget=forms.Textarea
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=SHORT_TEXT_MAX_LENGTH, widget=forms.Textarea
    )
    to_phase = forms.ChoiceField(
        label=_("Back to phase"),
        choices=[(value, label) for value, label in Phase.choices if value != Phase.CLOSED],
        initial=Phase.CLOSING,
    )
