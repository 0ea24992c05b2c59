"""Forms of the report pages: the PM's schedule, the client side's recipients, the summary."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from common.revisions import Revisioned, RevisionFormMixin
from common.text import SHORT_TEXT_MAX_LENGTH
from projects.models import CLIENT_ROLES, Project, Role
from reports.models import Cadence, ReportSchedule, Weekday
from reports.services.schedules import ExtraAddress
from stakeholders.models import CommunicationItem

CLIENT_ROLE_CHOICES = [(role, label) for role, label in Role.choices if role in CLIENT_ROLES]


class ExtraRecipientsField(forms.CharField):
    """One address a line: `e-mail, name, language` (name and language optional; language
    `en` or `zh-hans`, English by default)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", SHORT_TEXT_MAX_LENGTH)
        super().__init__(**kwargs)
        # The bound applies to the text typed, not to the list of addresses it becomes.
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(validator, MaxLengthValidator)
        ]

    def to_python(self, value: Any) -> list[ExtraAddress]:  # type: ignore[override]
        text = super().to_python(value) or ""
        if self.max_length is not None:
            MaxLengthValidator(int(self.max_length))(text)
        extras = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(",")]
            if len(parts) > 3:
                raise forms.ValidationError(
                    _("Line %(line)d: write “e-mail, name, language”.") % {"line": number}
                )
            email = parts[0]
            name = parts[1] if len(parts) > 1 else ""
            language = (parts[2] if len(parts) > 2 else "") or Language.ENGLISH
            if language not in Language.values:
                raise forms.ValidationError(
                    _("Line %(line)d: the language is “en” or “zh-hans”.") % {"line": number}
                )
            extras.append(ExtraAddress(email=email, name=name, language=language))
        return extras

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


def extras_initial(schedule: ReportSchedule | None) -> str:
    if schedule is None:
        return ""
    return "\n".join(
        ", ".join(part for part in (extra.email, extra.name, extra.language))
        for extra in schedule.extra_recipients.all()
    )


class RecipientsForm(RevisionFormMixin, forms.Form):
    """The client side's part of the schedule, with the revision it was opened at."""

    is_active = forms.BooleanField(label=_("Reports are on"), required=False)
    recipient_roles = forms.MultipleChoiceField(
        label=_("Sent to the project's"),
        choices=CLIENT_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    extra_recipients = ExtraRecipientsField(
        label=_("Other addresses"),
        required=False,
        help_text=_("One a line: e-mail, name, language (en or zh-hans)."),
    )

    def current_value(self, name: str, current: Revisioned) -> Any:
        if name == "extra_recipients":
            return [
                ExtraAddress(extra.email, extra.name, extra.language)
                for extra in cast("ReportSchedule", current).extra_recipients.all()
            ]
        return super().current_value(name, current)

    @classmethod
    def initial_of(cls, schedule: ReportSchedule | None) -> dict[str, Any]:
        if schedule is None:
            return {
                "is_active": True,
                "recipient_roles": [Role.CLIENT_ADMIN, Role.CUSTOMER_REP],
            }
        return {
            "revision": schedule.revision,
            "is_active": schedule.is_active,
            "recipient_roles": schedule.recipient_roles,
            "extra_recipients": extras_initial(schedule),
            "cadence": schedule.cadence,
            "weekday": schedule.weekday,
            "day_of_month": schedule.day_of_month,
            "hour": schedule.hour,
            "communication_item": schedule.communication_item_id,
        }


class ScheduleForm(RecipientsForm):
    cadence = forms.ChoiceField(label=_("Cadence"), choices=Cadence.choices)
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"), choices=Weekday.choices, coerce=int, initial=0
    )
    day_of_month = forms.IntegerField(
        label=_("Day of the month"),
        min_value=1,
        max_value=31,
        initial=1,
        help_text=_("For a monthly report; in shorter months, the last day of the month."),
    )
    hour = forms.IntegerField(
        label=_("Hour"),
        min_value=0,
        max_value=23,
        initial=9,
        help_text=_("In the client's time zone."),
    )
    communication_item = forms.ModelChoiceField(
        empty_label="—",
        label=_("Also the recipients of this line of the communication plan"),
        queryset=CommunicationItem.objects.none(),
        required=False,
    )
    field_order = [
        "cadence",
        "weekday",
        "day_of_month",
        "hour",
        "is_active",
        "recipient_roles",
        "communication_item",
        "extra_recipients",
    ]

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["communication_item"].queryset = CommunicationItem.objects.filter(  # type: ignore[attr-defined]
            project=project
        )


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary for the next report"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20000,
        help_text=_("Markdown. The client reads it first; the next report takes it as written."),
    )
