"""The authentication backends, reading the signed-in person with their project roles.

Every page checks what the person may do in which project (User.project_roles). The backends
below load the person of a session together with their memberships, in the one query that
loads the person anyway, so no page spends a query of its own on them. The roles are read
fresh on every request: nothing is cached between requests, so a membership added, changed or
removed counts from the next request on.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import Aggregate, CharField, F, Q, TextField, Value
from django.db.models.functions import Cast, Concat

SEPARATOR = ","


class JoinedText(Aggregate):
    """The values of a text expression joined by commas, in no particular order (STRING_AGG on
    PostgreSQL, GROUP_CONCAT on SQLite); NULL over no row."""

    function = "STRING_AGG"
    template = f"%(function)s(%(distinct)s%(expressions)s, '{SEPARATOR}')"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def _roles_text() -> JoinedText:
    """Each membership of the person as "project id:role:client id"."""
    return JoinedText(
        Concat(
            Cast(F("memberships__project_id"), CharField()),
            Value(":"),
            F("memberships__role"),
            Value(":"),
            Cast(F("memberships__project_client_id"), CharField()),
            output_field=CharField(),
        ),
        filter=Q(memberships__isnull=False),
    )


def user_with_roles(user_id: Any) -> Any:
    """The person `user_id` names, with `project_roles` read in the same query; None if there
    is no such person."""
    user_model = get_user_model()
    user = (
        user_model._default_manager.filter(pk=user_id)
        .annotate(membership_roles=_roles_text())
        .first()
    )
    if user is not None:
        user.project_roles = user_model.roles_from_text(user.membership_roles)
    return user


class RolesMixin:
    def get_user(self, user_id: Any) -> Any:
        user = user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(RolesMixin, DjangoModelBackend):
    """Django's model backend (invitation links sign people in through it)."""


class AuthenticationBackend(RolesMixin, AllauthBackend):
    """django-allauth's backend (the sign-in form)."""
