"""Forms for the survey pages. They parse input; the services validate the rules."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.forms.models import ModelChoiceIteratorValue
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from common.widgets import DateInput, DateTimeLocalInput
from feedback.models import CampaignTrigger, QuestionKind, SurveyQuestion, SurveyTemplate, Topic


class BootstrapForm(forms.Form):
    """Gives each widget Bootstrap's class, so templates render fields with one partial."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class TemplateForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )


class TemplateCopyForm(BootstrapForm):
    name = forms.CharField(label=_("Name of the copy"), max_length=200)


class QuestionForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    topic = forms.ChoiceField(
        label=_("Topic (for a topic rating)"),
        choices=[("", "—"), *Topic.choices],
        required=False,
    )
    text = forms.CharField(label=_("Question (English)"), max_length=500)
    text_zh_hans = forms.CharField(
        label=_("Question (Simplified Chinese)"), max_length=500, required=False
    )
    choices = forms.CharField(
        label=_("Choices, one a line: English | 中文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SHORT_TEXT_MAX_LENGTH,
    )
    is_required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)

    def clean_choices(self) -> list[str]:
        return [line for line in self.cleaned_data["choices"].splitlines() if line.strip()]


def _templates() -> Any:
    return SurveyTemplate.objects.filter(is_archived=False).order_by("-is_default", "name")


def _choose_template(field: forms.Field, templates: list[SurveyTemplate] | None) -> None:
    """The template field offers the templates in use, the default chosen. `templates`: those
    of _templates(), already read (a page with two such forms reads them once)."""
    choice = cast(forms.ModelChoiceField, field)
    choice.queryset = _templates()
    if templates is None:
        default = _templates().filter(is_default=True).first()
    else:
        choice.choices = [("", choice.empty_label)] + [
            (ModelChoiceIteratorValue(template.pk, template), choice.label_from_instance(template))
            for template in templates
        ]
        default = next((template for template in templates if template.is_default), None)
    if default is not None:
        field.initial = default.pk


def survey_templates_offered() -> list[SurveyTemplate]:
    """The templates the campaign and automation forms offer, read once for both."""
    return list(_templates())


class CampaignForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    template = forms.ModelChoiceField(
        empty_label="—", label=_("Template"), queryset=SurveyTemplate.objects.none()
    )
    opens_at = forms.DateTimeField(
        label=_("Opens (empty: send now)"),
        required=False,
        widget=DateTimeLocalInput(),
    )
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DateTimeLocalInput())
    reminder_after_days = forms.IntegerField(label=_("Remind after (days)"), initial=5, min_value=1)
    reminder_max = forms.IntegerField(label=_("At most (reminders)"), initial=2, min_value=0)

    def __init__(
        self, *args: Any, templates: list[SurveyTemplate] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choose_template(self.fields["template"], templates)
        self.fields["closes_at"].initial = (timezone.localtime() + timedelta(days=14)).strftime(
            "%Y-%m-%dT%H:%M"
        )


class AutomationForm(BootstrapForm):
    trigger = forms.ChoiceField(
        label=_("Send"),
        choices=[c for c in CampaignTrigger.choices if c[0] != CampaignTrigger.MANUAL],
    )
    template = forms.ModelChoiceField(
        empty_label="—", label=_("Template"), queryset=SurveyTemplate.objects.none()
    )
    open_days = forms.IntegerField(label=_("Open for (days)"), initial=14, min_value=1)
    reminder_after_days = forms.IntegerField(label=_("Remind after (days)"), initial=5, min_value=1)
    reminder_max = forms.IntegerField(label=_("At most (reminders)"), initial=2, min_value=0)
    interval_months = forms.IntegerField(
        label=_("Every (months, periodic only)"), required=False, min_value=1
    )
    first_run_on = forms.DateField(
        label=_("First sending (periodic only)"),
        required=False,
        widget=DateInput(),
    )

    def __init__(
        self, *args: Any, templates: list[SurveyTemplate] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choose_template(self.fields["template"], templates)


class FollowUpCloseForm(BootstrapForm):
    note = forms.CharField(
        label=_("What was done (internal note)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SHORT_TEXT_MAX_LENGTH,
    )


def answer_fields(questions: list[SurveyQuestion], language: str) -> list[dict[str, Any]]:
    """What the answer page draws for each question (the page is plain HTML, no JS needed)."""
    return [
        {
            "question": question,
            "name": f"q{question.pk}",
            "text": question.text_for(language),
            "choices": list(enumerate(question.choice_labels(language))),
            "scale": list(question.scale),
        }
        for question in questions
    ]
