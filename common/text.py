"""Checking the texts people type: trimmed, required where it must be, bounded; the bounds of
free text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import InvalidInput

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# The bounds of the free text people write, the same in the model, the form and the API schema.
# A long text: a description, a scope, minutes, the body of a message (about ten printed pages).
LONG_TEXT_MAX_LENGTH = 20_000
# A short text: a comment, a note, a reason, an answer.
SHORT_TEXT_MAX_LENGTH = 5_000


def length_help_text(max_length: int, help_text: str | _StrPromise = "") -> str | _StrPromise:
    """A form field's help text followed by its bound ("… At most 20,000 characters."), in the
    language active when it is shown."""
    bound = format_lazy(gettext_lazy("At most {count} characters."), count=f"{max_length:,}")
    return format_lazy("{} {}", help_text, bound) if help_text else bound


def clean_text(
    value: str | None, *, field: str, label: str, max_length: int, required: bool = True
) -> str:
    """The value trimmed; `InvalidInput` on `field` if it is required and empty or longer than
    `max_length`. `label` names the field in the message ("Name", "The title")."""
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("%(label)s is required.") % {"label": label}, field=field)
    if len(value) > max_length:
        raise InvalidInput(
            _("%(label)s is too long: at most %(max)d characters, not %(length)d.")
            % {"label": label, "max": max_length, "length": len(value)},
            field=field,
        )
    return value
