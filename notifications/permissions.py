"""Who may send an outbox message again: a staff admin any message; a higher app adds its own
rules (projects: the PMs of the project a message is about) with `register_resend_rule`, since
notifications knows nothing of projects."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from accounts.permissions import is_staff_admin

if TYPE_CHECKING:
    from accounts.models import User
    from notifications.models import OutboxMessage

ResendRule = Callable[["User", "OutboxMessage"], bool]

_resend_rules: list[ResendRule] = []


def register_resend_rule(rule: ResendRule) -> None:
    """Add a rule `(user, message) -> bool` that also allows a resend; called once per rule
    from an AppConfig.ready()."""
    if rule not in _resend_rules:
        _resend_rules.append(rule)


def can_resend_outbox_message(user: User, message: OutboxMessage) -> bool:
    if is_staff_admin(user):
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return any(rule(user, message) for rule in _resend_rules)
