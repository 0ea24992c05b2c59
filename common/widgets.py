"""The date and date-time inputs every form uses, and a select for long lists of choices.

A browser's `<input type="date">` accepts only an ISO value ("2026-11-22") and shows it in the
reader's own locale; `datetime-local` likewise wants "2026-11-22T09:30". Django's default input
widgets format their value in the active language instead (in Simplified Chinese "2026/11/22"),
which the browser rejects and shows as empty, so saving an untouched form would clear the date.
These widgets always write the ISO value, whatever the language; the form fields still accept it
back (ISO is one of every language's input formats, and DateTimeField parses ISO 8601).
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import Any

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """`<input type="date">` with an ISO value."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class DateTimeLocalInput(forms.DateTimeInput):
    """`<input type="datetime-local">` with an ISO value, to the minute, in the current time
    zone (the form field converts an aware value to it before the widget formats it)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATETIME_LOCAL)


class ChoiceList(BaseChoiceIterator):
    """(value, label) pairs given to a choice field as they are. Django normalises a plain list
    of choices pair by pair when it is set (twice: the field and its widget); a list of ten
    thousand tasks offered as a parent is already in that form."""

    def __init__(self, choices: list[tuple[Any, Any]]) -> None:
        self.choices = choices

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)


class LongSelect(forms.Select):
    """A `<select>` written in Python rather than one template per option: the same HTML as
    Django's Select, for lists that can hold thousands of choices (a project's tasks as a
    parent or a predecessor), where rendering a template per option cost seconds a page. The
    options are written straight from the choices (no dict per option, one escape per text)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        wanted = set(widget["value"])
        parts: list[str] = [
            format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))
        ]
        has_selected = False

        def option(option_value: Any, label: Any) -> str:
            nonlocal has_selected
            text = "" if option_value is None else str(option_value)
            selected = (not has_selected or self.allow_multiple_selected) and text in wanted
            has_selected |= selected
            return (
                f'<option value="{escape(text)}"{" selected" if selected else ""}>'
                f"{escape(str(label))}</option>"
            )

        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):
                parts.append(format_html('<optgroup label="{}">', group_value))
                parts.extend(option(value_, label) for value_, label in group_label)
                parts.append("</optgroup>")
            else:
                parts.append(option(group_value, group_label))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every part above is escaped)


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """As django/forms/widgets/attrs.html writes them: in order, True bare, False left out."""
    return mark_safe(  # noqa: S308  (format_html escapes each value)
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )
