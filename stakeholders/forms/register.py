"""Forms of the register, the communication plan and the RACI (staff pages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.revisions import RevisionFormMixin
from common.text import LONG_TEXT_MAX_LENGTH
from projects.models import Deliverable, Visibility
from stakeholders.models import Attitude, RaciLetter, Stakeholder


class StakeholderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    role = forms.CharField(label=_("Role"), max_length=200, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    influence = forms.IntegerField(label=_("Influence (1–5)"), min_value=1, max_value=5)
    interest = forms.IntegerField(label=_("Interest (1–5)"), min_value=1, max_value=5)
    attitude = forms.ChoiceField(label=_("Attitude"), choices=Attitude.choices)
    engagement_strategy = forms.CharField(
        label=_("Engagement strategy"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )


class CommunicationItemForm(forms.Form):
    what = forms.CharField(label=_("What"), max_length=200)
    recipients: forms.ModelMultipleChoiceField[Stakeholder] = forms.ModelMultipleChoiceField(
        label=_("To whom"), queryset=None, required=False
    )
    sender: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        empty_label="—", label=_("By whom"), queryset=None, required=False
    )
    channel = forms.CharField(label=_("Channel"), max_length=100, required=False)
    frequency = forms.CharField(label=_("Frequency"), max_length=100, required=False)
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.CLIENT
    )

    def __init__(
        self, *args: Any, stakeholders: object = None, members: object = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = stakeholders  # type: ignore[attr-defined]
        self.fields["sender"].queryset = members  # type: ignore[attr-defined]


class StakeholderEditForm(RevisionFormMixin, StakeholderForm):
    pass


class CommunicationItemEditForm(RevisionFormMixin, CommunicationItemForm):
    pass


CLEAR = "clear"


class RaciForm(forms.Form):
    """A cell of the RACI: a row (a work area or a deliverable), a person (a stakeholder of the
    register or a member of either side) and a letter, or "clear" to empty the cell."""

    work_area = forms.CharField(label=_("Work area"), max_length=200, required=False)
    deliverable: forms.ModelChoiceField[Deliverable] = forms.ModelChoiceField(
        empty_label="—", label=_("or a deliverable"), queryset=None, required=False
    )
    stakeholder: forms.ModelChoiceField[Stakeholder] = forms.ModelChoiceField(
        empty_label="—", label=_("Stakeholder"), queryset=None, required=False
    )
    user: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        empty_label="—", label=_("or a member"), queryset=None, required=False
    )
    letter = forms.ChoiceField(
        label=_("Letter"), choices=[*RaciLetter.choices, (CLEAR, _("— clear the cell"))]
    )

    def __init__(
        self,
        *args: Any,
        stakeholders: object = None,
        members: object = None,
        deliverables: object = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = stakeholders  # type: ignore[attr-defined]
        self.fields["user"].queryset = members  # type: ignore[attr-defined]
        self.fields["deliverable"].queryset = deliverables  # type: ignore[attr-defined]
