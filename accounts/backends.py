"""The authentication backends, reading the signed-in person with their project roles (and
what reads a person by a token of theirs does the same: roles_annotation).

Every page checks what the person may do in which project (User.project_roles). The backends
below load the person of a session together with their memberships, in the one query that
loads the person anyway, so no page spends a query of its own on them. The roles are read
fresh on every request: nothing is cached between requests, so a membership added, changed or
removed counts from the next request on.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Aggregate, CharField, F, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Cast, Concat
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

SEPARATOR = ","


class JoinedText(Aggregate):
    """The values of a text expression joined by commas, in no particular order (STRING_AGG on
    PostgreSQL, GROUP_CONCAT on SQLite); NULL over no row."""

    function = "STRING_AGG"
    template = f"%(function)s(%(distinct)s%(expressions)s, '{SEPARATOR}')"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def roles_annotation(person: str = "") -> Subquery:
    """Each membership of the person as "project id:role:client id", joined (NULL for none):
    `person` is the path to the person from the model read ("" for the person, "user__" for a
    row of theirs). A subquery rather than a join and a grouping: the person's row is read
    once, not once per membership (a person in 118 projects: 0.28 → 0.12 ms in PostgreSQL)."""
    memberships: Any = get_user_model()._meta.get_field("memberships").related_model
    text = Concat(
        Cast(F("project_id"), CharField()),
        Value(":"),
        F("role"),
        Value(":"),
        Cast(F("project_client_id"), CharField()),
        output_field=CharField(),
    )
    return Subquery(
        memberships._default_manager.filter(user=OuterRef(person.removesuffix("__") or "pk"))
        .order_by()
        .values("user")
        .annotate(text=JoinedText(text))
        .values("text"),
        output_field=TextField(),
    )


def with_roles(user: Any, text: str | None) -> Any:
    """`user`, their project_roles taken from `text` (read with roles_annotation)."""
    user.project_roles = get_user_model().roles_from_text(text)
    return user


@cache
def _people_with_roles() -> Any:
    """The people's queryset with their roles annotated, built once per process: every request
    reads its person through a copy of it instead of building the annotation again (a third of
    a millisecond a request). A queryset is copied, never changed, by the filter that reads it."""
    return get_user_model()._default_manager.annotate(membership_roles=roles_annotation())


# A value no person's id takes: where the person's id goes in the compiled statement's values.
_ANY_ID = -7_340_193_451


class _PersonStatement(NamedTuple):
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    id_index: int
    init_list: list[str]
    fields: slice
    related: list[Any]
    annotations: dict[str, int]


@cache
def _person_statement(alias: str) -> _PersonStatement:
    """The query that reads a person by id with their roles, compiled to SQL once per process
    and database: compiling it took two fifths of an empty request's time. Its rows become
    people as Django's own model iteration makes them (the organisation read with the person,
    the roles as `membership_roles`)."""
    queryset = _people_with_roles().using(alias).filter(pk=_ANY_ID).order_by()
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    params = tuple(params)
    if params.count(_ANY_ID) != 1:
        raise ImproperlyConfigured("The person's query must take its id exactly once.")
    klass_info = compiler.klass_info
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _PersonStatement(
        compiler=compiler,
        sql=sql,
        params=params,
        id_index=params.index(_ANY_ID),
        init_list=[column[0].target.attname for column in compiler.select[start:end]],
        fields=slice(start, end),
        related=get_related_populators(klass_info, compiler.select, alias),
        annotations=dict(compiler.annotation_col_map or {}),
    )


def user_with_roles(user_id: Any) -> Any:
    """The person `user_id` names, with `project_roles` read in the same query; None if there
    is no such person."""
    model = get_user_model()
    alias = router.db_for_read(model)
    statement = _person_statement(alias)
    params = list(statement.params)
    params[statement.id_index] = model._meta.pk.get_db_prep_value(
        model._meta.pk.to_python(user_id), connections[alias]
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(statement.sql, params)
        rows = cursor.fetchall()
    for row in statement.compiler.results_iter([rows]):
        user: Any = model.from_db(alias, statement.init_list, row[statement.fields])
        for populator in statement.related:
            populator.populate(row, user)
        for name, position in statement.annotations.items():
            setattr(user, name, row[position])
        return with_roles(user, user.membership_roles)
    return None


class RolesMixin:
    def get_user(self, user_id: Any) -> Any:
        user = user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(RolesMixin, DjangoModelBackend):
    """Django's model backend (invitation links sign people in through it)."""


class AuthenticationBackend(RolesMixin, AllauthBackend):
    """django-allauth's backend (the sign-in form)."""
