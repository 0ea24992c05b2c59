"""Stand-ins: people made of an id, an organisation and a standing, for whom a query is built
once and then read for everyone of that standing (common.compiled.CompiledValues).

A selector scopes what a person may see by their id and their organisation in SQL, and by their
standing (their side, whether they are active, a staff admin) in Python. A query built for a
stand-in whose id and organisation are a compiled read's markers is therefore the query of every
person of that standing, provided the selectors read nothing else of the person. `built_alike`
makes sure of it: it builds the query for two stand-ins who differ in everything else (name,
e-mail, language, time zone, dates), compiles both, and refuses them unless their SQL and values
are the same; and no query may run while they are built (a person's own projects or roles read
in Python would be compiled into everyone's query), but a read of the content types, which Django
keeps for the life of the process.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet

from accounts.models import User


class Standing(NamedTuple):
    """What the selectors decide of a person in Python."""

    side: str
    is_active: bool
    is_staff: bool
    is_superuser: bool

    @classmethod
    def of(cls, user: User) -> Standing:
        return cls(user.side, user.is_active, user.is_staff, user.is_superuser)


def stand_in(user_id: int, organization_id: int | None, standing: Standing, variant: int) -> User:
    """A person of `standing` with this id and organisation; the two variants differ in
    everything else, their organisation too when it is None (the query may not depend on it)."""
    person = User(
        pk=user_id,
        organization_id=organization_id if organization_id is not None else -1 - variant,
        side=standing.side,
        is_active=standing.is_active,
        is_staff=standing.is_staff,
        is_superuser=standing.is_superuser,
        email=f"stand-in-{variant}@stand-in.invalid",
        display_name=f"Stand-in {variant}",
        language=("en", "zh-hans")[variant],
        time_zone=("UTC", "Asia/Shanghai")[variant],
        date_joined=datetime(2001 + variant, 1 + variant, 1, tzinfo=UTC),
        last_login=datetime(2002 + variant, 2 + variant, 2, tzinfo=UTC),
    )
    person.set_unusable_password()
    return person


def built_alike(
    build: Callable[[User], QuerySet[Any]],
    user_id: int,
    organization_id: int | None,
    standing: Standing,
) -> QuerySet[Any]:
    """`build(person)` for a stand-in, refused unless it is the same query for a stand-in who
    differs in everything but the id, the organisation and the standing, and unless building it
    ran no query."""
    built = []
    with ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(_no_query))
        for variant in (0, 1):
            built.append(build(stand_in(user_id, organization_id, standing, variant)))
    first, second = (_statement(queryset) for queryset in built)
    if first != second:
        raise ImproperlyConfigured(
            "A query built for everyone of a standing depends on more of the person than their "
            "id, organisation and standing."
        )
    return built[0]


def _statement(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


def _no_query(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    if _reads_content_types_only(sql):
        # Django keeps the content types once read for the life of the process: the same for
        # everyone (a discussion's scope names the kinds of item it belongs to by them).
        return execute(sql, params, many, context)
    raise ImproperlyConfigured("A query built for everyone of a standing read the database.")


def _reads_content_types_only(sql: str) -> bool:
    tables = re.findall(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', sql, flags=re.IGNORECASE)
    return sql.lstrip().upper().startswith("SELECT") and set(tables) == {"django_content_type"}
