"""Reads by id whose SQL is compiled once per process: the reads every request makes (the person
of a session, the project of a page or an API call), for which turning the queryset into SQL
cost more than running it.

`CompiledGet(build)` compiles `build()` filtered on a placeholder id the first time it reads
from a database, and keeps the SQL, its values and how to make objects of its rows. Each read
runs that SQL with its own id and makes its object as Django's own model iteration does (the
relations `select_related` names, the annotations). The queryset must depend on nothing but the
id (no user, no day, no setting read when it is built): it is built once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

# A value no id takes: where the id goes in the compiled statement's values.
_ANY_ID = -7_340_193_451


class _Statement(NamedTuple):
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    id_index: int
    init_list: list[str]
    fields: slice
    related: list[Any]
    annotations: dict[str, int]


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
            cursor.execute(statement.sql, params)
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


def _in_range(field: Any, value: Any, connection: Any) -> bool:
    """Whether an integer key fits its column (an id in a URL may have any number of digits)."""
    kind = field.get_internal_type()
    if kind not in connection.ops.integer_field_ranges:
        return True
    low, high = connection.ops.integer_field_range(kind)
    return (low is None or value >= low) and (high is None or value <= high)
