"""Forms of the register, RACI and meeting pages: input parsing only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from common.widgets import DateInput, DateTimeLocalInput
from projects.models import Visibility
from stakeholders.models import Attitude, RaciLetter, Side


class StakeholderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    role = forms.CharField(label=_("Role"), max_length=200, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    influence = forms.IntegerField(label=_("Influence (1–5)"), min_value=1, max_value=5)
    interest = forms.IntegerField(label=_("Interest (1–5)"), min_value=1, max_value=5)
    attitude = forms.ChoiceField(label=_("Attitude"), choices=Attitude.choices)
    engagement_strategy = forms.CharField(
        label=_("Engagement strategy"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )


class CommunicationItemForm(forms.Form):
    what = forms.CharField(label=_("What"), max_length=200)
    recipients = forms.ModelMultipleChoiceField(label=_("To whom"), queryset=None, required=False)
    sender = forms.ModelChoiceField(label=_("By whom"), queryset=None, required=False)
    channel = forms.CharField(label=_("Channel"), max_length=100, required=False)
    frequency = forms.CharField(label=_("Frequency"), max_length=100, required=False)
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.CLIENT
    )

    def __init__(
        self, *args: object, stakeholders: object = None, members: object = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["recipients"].queryset = stakeholders  # type: ignore[attr-defined]
        self.fields["sender"].queryset = members  # type: ignore[attr-defined]


CLEAR = "clear"


class RaciForm(forms.Form):
    """A cell of the RACI: a row (a work area or a deliverable), a person (a stakeholder of the
    register or a member of either side) and a letter, or "clear" to empty the cell."""

    work_area = forms.CharField(label=_("Work area"), max_length=200, required=False)
    deliverable = forms.ModelChoiceField(label=_("or a deliverable"), queryset=None, required=False)
    stakeholder = forms.ModelChoiceField(label=_("Stakeholder"), queryset=None, required=False)
    user = forms.ModelChoiceField(label=_("or a member"), queryset=None, required=False)
    letter = forms.ChoiceField(
        label=_("Letter"), choices=[*RaciLetter.choices, (CLEAR, _("— clear the cell"))]
    )

    def __init__(
        self,
        *args: object,
        stakeholders: object = None,
        members: object = None,
        deliverables: object = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["stakeholder"].queryset = stakeholders  # type: ignore[attr-defined]
        self.fields["user"].queryset = members  # type: ignore[attr-defined]
        self.fields["deliverable"].queryset = deliverables  # type: ignore[attr-defined]


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeLocalInput())
    location = forms.CharField(label=_("Location or link"), max_length=500, required=False)
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=Visibility.choices,
        initial=Visibility.INTERNAL,
        help_text=_(
            "An internal meeting is never shown to the client; a client-visible one shows only "
            "its client-visible attendees."
        ),
    )
    agenda = forms.CharField(
        label=_("Agenda (Markdown)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees (members)"), queryset=None, required=False
    )
    stakeholder_attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees (stakeholders)"), queryset=None, required=False
    )

    def __init__(
        self, *args: object, members: object = None, stakeholders: object = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["attendees"].queryset = members  # type: ignore[attr-defined]
        self.fields["stakeholder_attendees"].queryset = stakeholders  # type: ignore[attr-defined]


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes (Markdown)"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    minutes_visibility = forms.ChoiceField(
        label=_("Minutes visible to"), choices=Visibility.choices
    )


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}))
    decided_by = forms.ChoiceField(label=_("Decided by"), choices=Side.choices)


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("Action"), max_length=1000)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())

    def __init__(self, *args: object, members: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].queryset = members  # type: ignore[attr-defined]
