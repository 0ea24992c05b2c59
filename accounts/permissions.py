"""Predicates about a person alone, whatever the project: a staff admin, the provider's side or a
client's side. The project roles build on them in projects.permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

if TYPE_CHECKING:
    from accounts.models import User


@rules.predicate
def is_staff_admin(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff_admin)


@rules.predicate
def is_provider_user(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_provider_user)


@rules.predicate
def is_client_user(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_client_user)
