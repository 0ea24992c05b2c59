"""Forms of lessons learned. They only parse; lessons.services checks the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, length_help_text
from lessons.models import TITLE_MAX_LENGTH, Category
from projects.models import Phase, Visibility


class TagsField(forms.CharField):
    """Tags typed as one line, separated by commas."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [tag.strip() for tag in text.replace("，", ",").split(",") if tag.strip()]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(tag) for tag in value)
        return value


class PortalLessonForm(forms.Form):
    """What a client member writes: always shared with the team and the client."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    what_went_well = forms.CharField(
        label=_("What went well"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT_MAX_LENGTH,
        help_text=length_help_text(LONG_TEXT_MAX_LENGTH),
    )
    what_went_wrong = forms.CharField(
        label=_("What went wrong"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT_MAX_LENGTH,
        help_text=length_help_text(LONG_TEXT_MAX_LENGTH),
    )
    recommendation = forms.CharField(
        label=_("Recommendation for the next project"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=SHORT_TEXT_MAX_LENGTH,
        help_text=length_help_text(SHORT_TEXT_MAX_LENGTH),
    )


class LessonForm(PortalLessonForm):
    """The team's form: also tags, phase and whether the client sees it."""

    tags = TagsField(
        label=_("Tags"),
        required=False,
        help_text=_("Separated by commas; empty: the project's tags."),
    )
    phase = forms.ChoiceField(label=_("Phase"), choices=[("", "—"), *Phase.choices], required=False)
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("tags"):
            data["tags"] = None
        if not data.get("phase"):
            data["phase"] = None
        return data
