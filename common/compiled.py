"""Reads by id whose SQL is compiled once per process: the reads every request makes (the person
of a session, the project of a page or an API call), for which turning the queryset into SQL
cost more than running it.

`CompiledGet(build)` compiles `build()` filtered on a placeholder id the first time it reads
from a database, and keeps the SQL, its values and how to make objects of its rows. Each read
runs that SQL with its own id and makes its object as Django's own model iteration does (the
relations `select_related` names, the annotations). The queryset must depend on nothing but the
id (no user, no day, no setting read when it is built): it is built once per process.

On PostgreSQL the statement is also prepared, once per database connection: planning it took
longer than running it (0.38 ms against 0.17 for the person with their roles). PostgreSQL plans a
prepared statement for its first five runs, then keeps a generic plan where that costs no more.
A prepared statement outlives a rolled-back transaction; one is made again for a new connection.
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Callable
from typing import Any, NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

# A value no id takes: where the id goes in the compiled statement's values.
_ANY_ID = -7_340_193_451

# Names for prepared statements, unique in the process.
_names = itertools.count(1)
# A PostgreSQL connection (the driver's) → the names of the statements prepared on it.
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


class _Prepared(NamedTuple):
    """A statement prepared on PostgreSQL: its name, how to prepare it and how to run it."""

    name: str
    prepare: str
    execute: str


class _Statement(NamedTuple):
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    id_index: int
    init_list: list[str]
    fields: slice
    related: list[Any]
    annotations: dict[str, int]
    prepared: _Prepared | None  # on PostgreSQL


class CompiledGet:
    """`build()`'s queryset read by primary key, its SQL compiled once per database."""

    def __init__(self, build: Callable[[], QuerySet[Any]]) -> None:
        self._build = build
        self._model: Any = None
        self._statements: dict[str, _Statement] = {}

    def _statement(self, alias: str) -> _Statement:
        statement = self._statements.get(alias)
        if statement is not None:
            return statement
        queryset: Any = self._build().using(alias).filter(pk=_ANY_ID).order_by()
        if queryset._prefetch_related_lookups or queryset._fields is not None:
            raise ImproperlyConfigured("A compiled read makes model objects, nothing prefetched.")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = tuple(params)
        if params.count(_ANY_ID) != 1:
            raise ImproperlyConfigured("A compiled read must take its id exactly once.")
        klass_info = compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        statement = self._statements[alias] = _Statement(
            compiler=compiler,
            sql=sql,
            params=params,
            id_index=params.index(_ANY_ID),
            init_list=[column[0].target.attname for column in compiler.select[start:end]],
            fields=slice(start, end),
            related=get_related_populators(klass_info, compiler.select, alias),
            annotations=dict(compiler.annotation_col_map or {}),
            prepared=_prepared_forms(sql, len(params), connections[alias].vendor),
        )
        return statement

    def get(self, pk: Any) -> Any | None:
        """The object whose primary key is `pk` (as a filter on pk takes it), or None."""
        model = self._model
        if model is None:
            model = self._model = self._build().model
        alias = router.db_for_read(model)
        statement = self._statement(alias)
        connection = connections[alias]
        field = model._meta.pk
        value = field.get_db_prep_value(field.to_python(pk), connection)
        if not _in_range(field, value, connection):
            return None  # as the ORM answers it: no row, no query
        params = list(statement.params)
        params[statement.id_index] = value
        with connection.cursor() as cursor:
            prepared = statement.prepared
            if prepared is None:
                cursor.execute(statement.sql, params)
            else:
                _prepare_once(cursor, prepared)
                cursor.execute(prepared.execute, params)
            rows = cursor.fetchall()
        # The compiler is shared by every thread of the process: turning rows into values only
        # reads it (its converters), and the query runs on this thread's own connection.
        for row in statement.compiler.results_iter([rows]):
            found = model.from_db(alias, statement.init_list, row[statement.fields])
            for populator in statement.related:
                populator.populate(row, found)
            for name, position in statement.annotations.items():
                setattr(found, name, row[position])
            return found
        return None


def _prepared_forms(sql: str, count: int, vendor: str) -> _Prepared | None:
    """A statement's PREPARE and EXECUTE, on PostgreSQL (its values become $1, $2…)."""
    if vendor != "postgresql":
        return None
    name = f"rapport_compiled_{next(_names)}"
    numbers = itertools.count(1)
    # Django's SQL for the driver writes a value as %s and a percent sign as %%.
    body = re.sub(r"%(%|s)", lambda m: "%" if m.group(1) == "%" else f"${next(numbers)}", sql)
    # PREPARE runs through the driver too, which reads %% as a percent sign.
    prepare = f"PREPARE {name} AS {body}".replace("%", "%%")
    execute = f"EXECUTE {name} ({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"
    return _Prepared(name=name, prepare=prepare, execute=execute)


def _prepare_once(cursor: Any, statement: _Prepared) -> None:
    """Prepares the statement on the cursor's connection unless it is prepared there."""
    raw = cursor.cursor.connection  # the driver's connection under Django's wrapper
    names = _prepared.get(raw)
    if names is None:
        names = _prepared[raw] = set()
    if statement.name not in names:
        # Through the driver's cursor, as the connection's own setup is: once per connection,
        # not a query of the request that happens to come first.
        cursor.cursor.execute(statement.prepare)
        names.add(statement.name)


def _in_range(field: Any, value: Any, connection: Any) -> bool:
    """Whether an integer key fits its column (an id in a URL may have any number of digits)."""
    kind = field.get_internal_type()
    if kind not in connection.ops.integer_field_ranges:
        return True
    low, high = connection.ops.integer_field_range(kind)
    return (low is None or value >= low) and (high is None or value <= high)
