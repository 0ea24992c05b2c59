"""The date and date-time inputs every form uses.

A browser's `<input type="date">` accepts only an ISO value ("2026-11-22") and shows it in the
reader's own locale; `datetime-local` likewise wants "2026-11-22T09:30". Django's default input
widgets format their value in the active language instead (in Simplified Chinese "2026/11/22"),
which the browser rejects and shows as empty, so saving an untouched form would clear the date.
These widgets always write the ISO value, whatever the language; the form fields still accept it
back (ISO is one of every language's input formats, and DateTimeField parses ISO 8601).
"""

from __future__ import annotations

from typing import Any

from django import forms

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
