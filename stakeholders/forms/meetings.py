"""Forms of meetings: the meeting itself, its minutes, a decision and an action item."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.revisions import RevisionFormMixin
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from common.widgets import DateInput, DateTimeLocalInput
from projects.models import Visibility
from stakeholders.models import Side, Stakeholder


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
        label=_("Agenda (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    attendees: forms.ModelMultipleChoiceField[User] = forms.ModelMultipleChoiceField(
        label=_("Attendees (members)"), queryset=None, required=False
    )
    stakeholder_attendees: forms.ModelMultipleChoiceField[Stakeholder] = (
        forms.ModelMultipleChoiceField(
            label=_("Attendees (stakeholders)"), queryset=None, required=False
        )
    )

    def __init__(
        self, *args: Any, members: object = None, stakeholders: object = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members  # type: ignore[attr-defined]
        self.fields["stakeholder_attendees"].queryset = stakeholders  # type: ignore[attr-defined]


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    minutes_visibility = forms.ChoiceField(
        label=_("Minutes visible to"), choices=Visibility.choices
    )


class MeetingEditForm(RevisionFormMixin, MeetingForm):
    pass


class MinutesEditForm(RevisionFormMixin, MinutesForm):
    pass


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=SHORT_TEXT_MAX_LENGTH,
    )
    decided_by = forms.ChoiceField(label=_("Decided by"), choices=Side.choices)


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("Action"), max_length=1000)
    owner: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        empty_label="—", label=_("Owner"), queryset=None
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())

    def __init__(self, *args: Any, members: object = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members  # type: ignore[attr-defined]
