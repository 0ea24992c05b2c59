"""Checking the short texts people type: trimmed, required where it must be, bounded."""

from __future__ import annotations

from django.utils.translation import gettext as _

from common.errors import InvalidInput


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
