"""A short list of related rows read inside another query, as one JSON value.

A page that reads a project and, apart, the project's few objectives makes two round trips
where one would do. `json_rows(queryset, fields)` is a subquery giving the rows of `queryset`
(correlated to the outer query with OuterRef) as a JSON array of objects, on PostgreSQL and
SQLite alike; `objects_from_json(model, rows)` makes model objects of them, each field's value
as the database would have given it. Only for short lists (a JSON value is built in the database
and decoded in Python) of fields whose JSON form loses nothing: not decimals, which JSON reads
as floats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import router
from django.db.models import (
    Aggregate,
    DateTimeField,
    DecimalField,
    JSONField,
    Model,
    QuerySet,
    Subquery,
)
from django.db.models.functions import JSONObject
from django.utils import timezone

M = TypeVar("M", bound=Model)


class _JSONArrayAgg(Aggregate):
    """The aggregated values as a JSON array (PostgreSQL's JSONB_AGG, SQLite's
    JSON_GROUP_ARRAY)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def json_rows(
    queryset: QuerySet[Any],
    fields: Sequence[str],
    *,
    by: str,
    related: Mapping[str, Sequence[str]] | None = None,
) -> Subquery:
    """The rows of `queryset` as a JSON array of objects with `fields` (attribute names), or
    NULL where there are none. `queryset` is filtered on the outer query with OuterRef on the
    field `by`: its rows are aggregated in one group. `related` names foreign keys whose
    object comes with each row, with the fields to read of it (its id among them)."""
    model = queryset.model
    _refuse_decimals(model, fields)
    shape: dict[str, Any] = {name: name for name in fields}
    for name, wanted in (related or {}).items():
        _refuse_decimals(model._meta.get_field(name).related_model, wanted)
        shape[name] = JSONObject(**{field: f"{name}__{field}" for field in wanted})
    rows = (
        queryset.order_by()
        .values(by)
        .annotate(rows=_JSONArrayAgg(JSONObject(**shape)))
        .values("rows")
    )
    return Subquery(rows, output_field=JSONField())


def objects_from_json(
    model: type[M],
    rows: Iterable[dict[str, Any]] | None,
    *,
    related: Iterable[str] = (),
    using: str | None = None,
) -> list[M]:
    """Model objects of `json_rows`' rows, as if read from the database (not new, on its alias),
    with each value converted as its field converts what the database gives, and the objects
    `related` names (None where the foreign key is empty). A field not read is deferred, as
    with `only()`: reading it would cost a query."""
    alias = using or router.db_for_read(model)
    found = []
    for row in rows or ():
        made = _object(model, row, alias)
        for name in related:
            value = row[name]
            target: Any = model._meta.get_field(name).related_model
            setattr(made, name, None if value["id"] is None else _object(target, value, alias))
        found.append(made)
    return found


def prefetch_from_json(
    instances: Iterable[Model],
    name: str,
    rows: str,
    *,
    related: Iterable[str] = (),
    key: Callable[[Any], Any],
) -> None:
    """For each instance, the objects of its attribute `rows` (a json_rows annotation, of the
    rows of its reverse foreign key `name`) as what `instance.<name>.all()` gives: in `key`'s
    order, each pointing back at the instance, as prefetch_related leaves them."""
    for instance in instances:
        descriptor = getattr(type(instance), name)
        made = objects_from_json(
            descriptor.rel.related_model, getattr(instance, rows), related=related
        )
        for item in made:
            setattr(item, descriptor.field.name, instance)
        set_prefetched(instance, name, sorted(made, key=key))


def set_prefetched(instance: Model, name: str, objects: list[Any]) -> None:
    """`objects` as what `instance.<name>.all()` gives, as prefetch_related leaves it."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[getattr(type(instance), name).rel.get_accessor_name()] = queryset


def _refuse_decimals(model: Any, fields: Iterable[str]) -> None:
    for name in fields:
        if isinstance(model._meta.get_field(_field_name(model, name)), DecimalField):
            raise ImproperlyConfigured(f"{model.__name__}.{name}: JSON reads decimals as floats.")


def _object(model: type[M], row: dict[str, Any], alias: str) -> M:
    # In the model's order of fields, as from_db takes them (JSONB keeps its keys sorted).
    fields = [field for field in model._meta.concrete_fields if field.attname in row]
    names = [field.attname for field in fields]
    values = [_value(field, row[field.attname]) for field in fields]
    return model.from_db(alias, names, values)


def _field_name(model: type[Model], attname: str) -> str:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field.name
    return attname


def _value(field: Any, value: Any) -> Any:
    if value is None:
        return None
    converted = field.to_python(value)
    # SQLite keeps a time as text in UTC, without its zone (as its backend reads it).
    naive = isinstance(converted, datetime) and timezone.is_naive(converted)
    if isinstance(field, DateTimeField) and naive and settings.USE_TZ:
        converted = timezone.make_aware(converted, UTC)
    return converted
