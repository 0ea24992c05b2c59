"""Reads by id whose SQL is compiled once per process: the reads every request makes (the person
of a session, the project of a page or an API call), for which turning the queryset into SQL
cost more than running it.

`CompiledGet(build)` compiles `build()` filtered on a placeholder id the first time it reads
from a database, and keeps the SQL, its values and how to make objects of its rows. Each read
runs that SQL with its own id and makes its object as Django's own model iteration does (the
relations `select_related` names, the annotations). The queryset must depend on nothing but the
id (no user, no day, no setting read when it is built): it is built once per process.

`CompiledRows(build)` does the same for a list of ids (a page of a list read by its ids) and a
key: `build(key)` makes the queryset, the key being all it depends on besides the ids (a day, say,
with the time zone and language that turn it into values); its SQL is compiled once per key and
number of ids. `CompiledValues(build)` compiles `build(key, values)`, a `values()` queryset or a
union of them, and gives its rows as dicts, or a queryset of model objects and gives its objects:
its values may be moments, days and texts as well as ids.

On PostgreSQL the statement is also prepared, once per database connection: planning it took
longer than running it (0.38 ms against 0.17 for the person with their roles). The connection
keeps one generic plan per prepared statement (`plan_cache_mode = force_generic_plan`, set where
the settings open it): left to choose, PostgreSQL planned the larger statements again at every
run, because its estimate of a plan for any values came out above its estimate for the values
given, and planning them took longer than running them (the portal's waiting items 4.7 ms of
planning for 3.3 of running, then 0.1 for 2.2). A read whose best plan depends on its values
(a text searched for, matched by pattern) says so (`CompiledValues(planned_per_run=True)`): its
SQL is compiled once and sent as it is, planned for each run's values as any query is.
A prepared statement outlives a rolled-back transaction; one is made again for a new connection.
"""

from __future__ import annotations

import itertools
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, NamedTuple, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.utils import timezone

S = TypeVar("S")

# A value no id takes: where the id goes in the compiled statement's values.
_ANY_ID = -7_340_193_451

# The statements a connection keeps prepared at most.
_MAX_PREPARED = 256
# Names for prepared statements, unique in the process.
_names = itertools.count(1)
# A PostgreSQL connection (the driver's) → the names of the statements prepared on it.
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


class _Prepared(NamedTuple):
    """A statement prepared on PostgreSQL: its name, how to prepare it and how to run it."""

    name: str
    prepare: str
    execute: str


class _Objects(NamedTuple):
    """How to make model objects of a compiled statement's rows, as Django's model iteration
    makes them."""

    model: Any
    init_list: list[str]
    fields: slice
    related: list[Any]
    annotations: dict[str, int]


class _Statement(NamedTuple):
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    id_indexes: tuple[int, ...]  # where each id goes in the values
    objects: _Objects
    prepared: _Prepared | None  # on PostgreSQL


def _compile(built: QuerySet[Any], alias: str, count: int) -> _Statement:
    """`built` filtered on `count` placeholder ids, as SQL with its values and how to make
    objects of its rows."""
    markers = [_ANY_ID - index for index in range(count)]
    queryset: Any = built.using(alias).order_by()
    queryset = queryset.filter(pk=markers[0]) if count == 1 else queryset.filter(pk__in=markers)
    if queryset._prefetch_related_lookups or queryset._fields is not None:
        raise ImproperlyConfigured("A compiled read makes model objects, nothing prefetched.")
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    params = tuple(params)
    if any(params.count(marker) != 1 for marker in markers):
        raise ImproperlyConfigured("A compiled read must take each id exactly once.")
    return _Statement(
        compiler=compiler,
        sql=sql,
        params=params,
        id_indexes=tuple(params.index(marker) for marker in markers),
        objects=_objects_plan(queryset.model, compiler, alias),
        prepared=_prepared_forms(sql, params, connections[alias].vendor),
    )


def _objects_plan(model: Any, compiler: Any, alias: str) -> _Objects:
    """How to make `model` objects of the rows of a compiled query (as_sql has run)."""
    klass_info = compiler.klass_info
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _Objects(
        model=model,
        init_list=[column[0].target.attname for column in compiler.select[start:end]],
        fields=slice(start, end),
        related=get_related_populators(klass_info, compiler.select, alias),
        annotations=dict(compiler.annotation_col_map or {}),
    )


def _made(compiler: Any, rows: list[Any], made: _Objects, alias: str) -> list[Any]:
    """The objects of a compiled query's rows, as Django's own model iteration makes them.

    The compiler is shared by every thread of the process: turning rows into values only reads
    it (its converters), and the query runs on this thread's own connection."""
    found = []
    for row in compiler.results_iter([rows]):
        item = made.model.from_db(alias, made.init_list, row[made.fields])
        for populator in made.related:
            populator.populate(row, item)
        for name, position in made.annotations.items():
            setattr(item, name, row[position])
        found.append(item)
    return found


def _id_values(model: Any, ids: Sequence[Any], connection: Any) -> list[Any]:
    """The ids as the database takes them, those no key can have left out (an id in a URL may
    have any number of digits)."""
    field = model._meta.pk
    values = [field.get_db_prep_value(field.to_python(pk), connection) for pk in ids]
    return [value for value in values if _in_range(field, value, connection)]


def _fetch(alias: str, sql: str, prepared: _Prepared | None, params: list[Any]) -> list[Any]:
    """The rows of a compiled statement run with `params` (prepared, on PostgreSQL)."""
    with connections[alias].cursor() as cursor:
        if prepared is None:
            cursor.execute(sql, params)
        else:
            _prepare_once(cursor, prepared)
            cursor.execute(prepared.execute, params)
        return list(cursor.fetchall())


class _Shapes(Generic[S]):
    """The most recent `size` statements compiled, by shape (database, key, number or kinds of
    values)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._statements: OrderedDict[tuple[str, Any, Any], S] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._statements)

    def get(self, shape: tuple[str, Any, Any], compile_: Callable[[], S]) -> S:
        with self._lock:
            statement = self._statements.get(shape)
            if statement is not None:
                self._statements.move_to_end(shape)
                return statement
        statement = compile_()  # outside the lock: another thread may compile it too
        with self._lock:
            self._statements[shape] = statement
            while len(self._statements) > self._size:
                self._statements.popitem(last=False)
        return statement


def _read(statement: _Statement, ids: Sequence[Any], alias: str) -> list[Any]:
    """The objects of the statement's rows for `ids` (as many as it was compiled for)."""
    params = list(statement.params)
    for index, value in zip(statement.id_indexes, ids, strict=True):
        params[index] = value
    rows = _fetch(alias, statement.sql, statement.prepared, params)
    return _made(statement.compiler, rows, statement.objects, alias)


class CompiledGet:
    """`build()`'s queryset read by primary key, its SQL compiled once per database."""

    def __init__(self, build: Callable[[], QuerySet[Any]]) -> None:
        self._build = build
        self._model: Any = None
        self._statements: dict[str, _Statement] = {}

    def _statement(self, alias: str) -> _Statement:
        statement = self._statements.get(alias)
        if statement is None:
            statement = self._statements[alias] = _compile(self._build(), alias, 1)
        return statement

    def get(self, pk: Any) -> Any | None:
        """The object whose primary key is `pk` (as a filter on pk takes it), or None."""
        model = self._model
        if model is None:
            model = self._model = self._build().model
        alias = router.db_for_read(model)
        values = _id_values(model, [pk], connections[alias])
        if not values:
            return None  # as the ORM answers it: no row, no query
        found = _read(self._statement(alias), values, alias)
        return found[0] if found else None


class CompiledRows:
    """`build(key)`'s queryset read for a list of primary keys, its SQL compiled once per
    database, key and number of keys (the most recent `shapes` of them are kept).

    `key` is everything the queryset depends on besides the ids, and must be hashable: the day
    its figures are counted on, say, with the time zone and language that turn that day into
    values. `read(ids, key)` gives the objects in the order of `ids` (those that exist)."""

    def __init__(self, build: Callable[[Any], QuerySet[Any]], *, shapes: int = 64) -> None:
        self._build = build
        self._model: Any = None
        self._statements: _Shapes[_Statement] = _Shapes(shapes)

    def read(self, ids: Sequence[Any], key: Any) -> list[Any]:
        """The objects whose primary keys are `ids`, in that order, read on `key`."""
        model = self._model
        if model is None:
            model = self._model = self._build(key).model
        alias = router.db_for_read(model)
        values = list(dict.fromkeys(_id_values(model, ids, connections[alias])))
        if not values:
            return []
        statement = self._statements.get(
            (alias, key, len(values)), lambda: _compile(self._build(key), alias, len(values))
        )
        found = _read(statement, values, alias)
        position = {pk: index for index, pk in enumerate(values)}
        return sorted(found, key=lambda item: position[item.pk])


class _ValuesStatement(NamedTuple):
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    id_indexes: tuple[tuple[int, ...], ...]  # where each value goes (as often as it is used)
    names: list[str]
    prepared: _Prepared | None
    objects: _Objects | None  # for a queryset of model objects


class CompiledValues:
    """The rows of `build(key, values)`, a `values()` queryset or a union of them, as dicts
    (`rows()`), or a queryset of model objects as objects (`objects()`: with what it
    select_related and annotates, nothing prefetched); its SQL compiled once per database, key
    and shape of the values, as CompiledRows compiles a read of objects by their ids.

    The values are ids (integers), texts (what a person searches for) or moments and days
    (datetimes and dates: the time a list is read at, say), which change at every request and
    would otherwise make the SQL for each.
    `build` must use each value as it is given, any number of times (a filter of each part of a
    union), never a value made from one (a day two weeks after it, a text within a pattern):
    such a value would be compiled as a constant, and is refused. The key is everything else
    the queryset depends on."""

    def __init__(
        self,
        build: Callable[[Any, list[Any]], QuerySet[Any]],
        *,
        shapes: int = 64,
        optional: Sequence[int] = (),
        planned_per_run: bool = False,
    ) -> None:
        """`optional`: the positions of the values the query may leave out (a person's
        organisation, which only some of what they search reads). `planned_per_run`: the SQL is
        not prepared but planned at each run for its values (a text matched by pattern, whose
        plan for any text read three times the rows)."""
        self._build = build
        self._statements: _Shapes[_ValuesStatement] = _Shapes(shapes)
        self._optional = frozenset(optional)
        self._planned_per_run = planned_per_run

    def _compile(self, alias: str, key: Any, kinds: tuple[type, ...]) -> _ValuesStatement:
        connection = connections[alias]
        markers = [_marker(kind, index) for index, kind in enumerate(kinds)]
        queryset = self._build(key, markers).using(alias)
        query = queryset.query
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = tuple(params)
        stated = [_adapted(marker, connection) for marker in markers]
        indexes = tuple(
            tuple(
                index
                for index, value in enumerate(params)
                if type(value) is type(marker) and value == marker
            )
            for marker in stated
        )
        if not all(found or index in self._optional for index, found in enumerate(indexes)):
            raise ImproperlyConfigured("A compiled read must take each of its values.")
        taken = {index for found in indexes for index in found}
        if any(
            _made_from_a_marker(value) for index, value in enumerate(params) if index not in taken
        ):
            raise ImproperlyConfigured(
                "A compiled read must take its texts, moments and days as they are given."
            )
        names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        objects = None
        built: Any = queryset
        if built._fields is None and not query.combinator:  # a queryset of model objects
            if built._prefetch_related_lookups:
                raise ImproperlyConfigured(
                    "A compiled read makes model objects, nothing prefetched."
                )
            objects = _objects_plan(queryset.model, compiler, alias)
        return _ValuesStatement(
            compiler=compiler,
            sql=sql,
            params=params,
            id_indexes=indexes,
            names=names,
            prepared=None
            if self._planned_per_run
            else _prepared_forms(sql, params, connection.vendor),
            objects=objects,
        )

    def _run(
        self, values: Sequence[Any], key: Any, using: str
    ) -> tuple[_ValuesStatement, list[Any]]:
        kinds = tuple(_kind(value) for value in values)
        statement = self._statements.get(
            (using, key, kinds), lambda: self._compile(using, key, kinds)
        )
        connection = connections[using]
        params = list(statement.params)
        for indexes, value in zip(statement.id_indexes, values, strict=True):
            stated = _adapted(value, connection)
            for index in indexes:
                params[index] = stated
        return statement, _fetch(using, statement.sql, statement.prepared, params)

    def rows(
        self, values: Sequence[Any], key: Any, *, using: str = "default"
    ) -> list[dict[str, Any]]:
        """The rows for `values` (ids as the query's filters take them, moments, days), read on
        `key`."""
        if not values:
            return []
        statement, rows = self._run(values, key, using)
        if statement.objects is not None:
            raise ImproperlyConfigured("This compiled read makes model objects: objects().")
        names = statement.names
        return [
            dict(zip(names, row, strict=True)) for row in statement.compiler.results_iter([rows])
        ]

    def objects(self, values: Sequence[Any], key: Any, *, using: str = "default") -> list[Any]:
        """The model objects of a read of model objects (select_related and annotations
        included, nothing prefetched) for `values`, read on `key`, as Django's own iteration
        makes them."""
        statement, rows = self._run(values, key, using)
        if statement.objects is None:
            raise ImproperlyConfigured("This compiled read gives rows: rows().")
        return _made(statement.compiler, rows, statement.objects, using)


# Where a text goes in a compiled statement's values: a word no one types, with its number. It
# is letters alone, so that a text made from it (lowered, its separators made spaces, cut into
# words) still shows it, and is refused.
_TEXT_MARK = "qxjcompiledtextqxj"
# Where a moment or a day goes in a compiled statement's values: times no record has.
_ANY_MOMENT = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)
_ANY_DAY = date(1901, 2, 3)


def _kind(value: Any) -> type:
    if isinstance(value, str):
        return str
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            raise ImproperlyConfigured("A compiled read takes aware moments.")
        return datetime
    if isinstance(value, date):
        return date
    if isinstance(value, int) and not isinstance(value, bool):
        return int
    raise ImproperlyConfigured(
        f"A compiled read takes ids, texts, moments and days, not {value!r}."
    )


def _marker(kind: type, index: int) -> Any:
    if kind is str:
        return f"{_TEXT_MARK}{'abcdefghij'[index % 10] * (index // 10 + 1)}"
    if kind is datetime:
        return _ANY_MOMENT + timedelta(microseconds=index)
    if kind is date:
        return _ANY_DAY + timedelta(days=index)
    return _ANY_ID - index


def _adapted(value: Any, connection: Any) -> Any:
    """A value as the database's operations give it to the driver (SQLite takes moments and
    days as text)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _made_from_a_marker(value: Any) -> bool:
    """Whether a value of the statement was made from a marker (a text holding one, a moment or
    a day of the markers' time): compiled as a constant, it would be wrong at every other
    read."""
    if isinstance(value, date):
        return value.year in _MARKER_YEARS
    if isinstance(value, str):
        if _TEXT_MARK in value.casefold():
            return True
        found = re.match(r"(\d{4})-\d\d-\d\d", value)
        return found is not None and int(found.group(1)) in _MARKER_YEARS
    return False


_MARKER_YEARS = range(1890, 1912)


def _parameter_type(value: Any) -> str:
    """The type a prepared statement declares for a value: a day or a moment as such (a value
    selected as it is, `Value(day)`, would otherwise be read back as text, the type PostgreSQL
    gives a parameter it cannot infer), anything else as the context infers it."""
    if isinstance(value, datetime):
        return "timestamptz"
    if isinstance(value, date):
        return "date"
    return "unknown"


def _prepared_forms(sql: str, params: tuple[Any, ...], vendor: str) -> _Prepared | None:
    """A statement's PREPARE and EXECUTE, on PostgreSQL (its values become $1, $2…)."""
    if vendor != "postgresql":
        return None
    name = f"rapport_compiled_{next(_names)}"
    numbers = itertools.count(1)
    # Django's SQL for the driver writes a value as %s and a percent sign as %%.
    body = re.sub(r"%(%|s)", lambda m: "%" if m.group(1) == "%" else f"${next(numbers)}", sql)
    types = [_parameter_type(value) for value in params]
    declared = f" ({', '.join(types)})" if any(kind != "unknown" for kind in types) else ""
    # PREPARE runs through the driver too, which reads %% as a percent sign.
    prepare = f"PREPARE {name}{declared} AS {body}".replace("%", "%%")
    count = len(params)
    execute = f"EXECUTE {name} ({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"
    return _Prepared(name=name, prepare=prepare, execute=execute)


def _prepare_once(cursor: Any, statement: _Prepared) -> None:
    """Prepares the statement on the cursor's connection unless it is prepared there."""
    raw = cursor.cursor.connection  # the driver's connection under Django's wrapper
    names = _prepared.get(raw)
    if names is None:
        names = _prepared[raw] = set()
    if statement.name not in names:
        if len(names) >= _MAX_PREPARED:
            # Reads compiled per day leave yesterday's statements behind on a connection that
            # lives long (CONN_MAX_AGE): past a bound they go, and are prepared again when used.
            cursor.cursor.execute("DEALLOCATE ALL")
            names.clear()
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
