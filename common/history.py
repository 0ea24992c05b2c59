"""The author of a change in the audit history (django-simple-history)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

# django-simple-history reads the user of the next historical row from this attribute of the
# instance being saved (when there is no request, as in services and tasks).
HISTORY_USER_ATTRIBUTE = "_history_user"


def set_history_user(instance: Model, user: Any) -> None:
    """Record `user` (a User, or None for the system) as the author of `instance`'s next save."""
    setattr(instance, HISTORY_USER_ATTRIBUTE, user)
