"""Forms of the ticket and account pages (staff and portal). They only parse; the services
validate the rules and their errors land on the fields (common.errors.add_form_error)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.widgets import DateInput
from feedback.models import Interaction, Opportunity, TicketKind, TicketSeverity
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
    )
    files = MultipleFileField(label=_("Attachments"), required=False)


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
        label=_("Reply to the client (Markdown)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("What was done (Markdown)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it not resolved?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AttachForm(forms.Form):
    file = forms.FileField(label=_("Add a file"))


class TicketUpdateForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    severity = forms.ChoiceField(label=_("Severity"), choices=TicketSeverity.choices)

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Interaction.Kind.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    people = forms.CharField(label=_("People"), max_length=300)
    notes = forms.CharField(
        label=_("Notes (Markdown)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    reminder_on = forms.DateField(label=_("Remind me on"), required=False, widget=DateInput())


class OpportunityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    value_estimate = forms.DecimalField(
        label=_("Value estimate"), max_digits=14, decimal_places=2, required=False, min_value=0
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    stage = forms.ChoiceField(label=_("Stage"), choices=Opportunity.Stage.choices)
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    expected_close_on = forms.DateField(
        label=_("Expected close"), required=False, widget=DateInput()
    )
