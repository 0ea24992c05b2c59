"""The serializer base the apps' model serializers share.

DRF's `ModelSerializer` works its fields out from the model on every instance: it reads the
model's fields, maps each to a serializer field, gathers its label, help text, validators and
choices, and translates the labels. A list in the API makes one instance per request, so that
work is done again for every request: a tenth of a 50-row list's time. What it works out depends
only on the class (its `Meta`, its declared fields, the model), so `ModelSerializer` here works it
out once per class and makes each instance's fields from it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.text import capfirst
from rest_framework import ISO_8601, serializers
from rest_framework.fields import Field, SkipField, empty
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

M = TypeVar("M", bound=Model)

# A serializer class → the fields DRF built from its model for a first instance, in order, with
# None where the field is a declared one (copied from the class for each instance, as DRF does).
_built: dict[type, list[tuple[str, Field | None]]] = {}


def _make(kind: type[Field], args: Any, kwargs: dict[str, Any]) -> Field:
    """A new, unbound field of `kind` made with these arguments.

    The arguments are shared with the field they come from: DRF's own copy of a field shares its
    validators, and a field keeps its own copy of the rest (its lists, its choices; a related
    field clones its queryset before each use). A field given as an argument (a list's child, a
    many-related field's relation) is bound to its parent, so it is copied."""
    made: dict[str, Any] = {
        key: copy.deepcopy(value) if isinstance(value, Field) else value
        for key, value in kwargs.items()
    }
    return kind(*[copy.deepcopy(a) if isinstance(a, Field) else a for a in args], **made)


def _fresh(field: Field) -> Field:
    return _make(type(field), field._args, field._kwargs)  # type: ignore[attr-defined]


def _labelled(name: str, field: Field, model: type[Model]) -> Field:
    """`field` (built from `model` for `name`) as a prototype: unbound, labelled in every language.

    DRF gives a model field's serializer field the model field's verbose name as its label only
    where that differs from the label it would make of the field's name, and compares them in the
    language active at the time: "title" is left unlabelled in English, labelled 标题 in Chinese.
    Built once for every language, the label is the verbose name itself, translated when read:
    the same text DRF's comparison ends with in each."""
    kwargs = field._kwargs  # type: ignore[attr-defined]
    if "label" not in kwargs:
        try:
            model_field = model._meta.get_field(str(field.source or name))
        except FieldDoesNotExist:
            model_field = None
        verbose_name = getattr(model_field, "verbose_name", None)
        if verbose_name:
            kwargs = {**kwargs, "label": capfirst(verbose_name)}
    return _make(type(field), field._args, kwargs)  # type: ignore[attr-defined]


# DRF's `ModelSerializer`, with the fields it builds from the model worked out once per class. A
# subclass that builds its fields from something other than its class (the context, the instance)
# overrides `get_fields` itself. No docstring: the API schema would give it to every serializer
# that has none of its own.
class ModelSerializer(serializers.ModelSerializer[M]):
    def get_fields(self) -> dict[str, Field]:
        cls = type(self)
        built = _built.get(cls)
        if built is None:
            fields = super().get_fields()
            declared = self._declared_fields
            # Unbound copies are kept: the fields returned are about to be bound to this
            # instance (and through it to what it serializes).
            built = [
                (name, None if name in declared else _labelled(name, field, self.Meta.model))
                for name, field in fields.items()
            ]
            _built.setdefault(cls, built)
            return fields
        declared = copy.deepcopy(self._declared_fields)
        return {name: declared[name] if field is None else _fresh(field) for name, field in built}

    def to_representation(self, instance: Any) -> dict[str, Any]:
        # DRF's, with each field's reader worked out once per serializer (a list's rows share
        # one): a plain attribute path is read with getattr, anything else as DRF reads it.
        if isinstance(instance, Mapping):
            return super().to_representation(instance)  # type: ignore[arg-type]
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self.__dict__["_plan"] = [
                (field.field_name, _reader(field), field.to_representation)
                for field in self._readable_fields
            ]
        shown: dict[str, Any] = {}
        for name, read, represent in plan:
            try:
                value = read(instance)
            except SkipField:
                continue
            # A related field's primary key comes wrapped, as DRF's check for None expects.
            empty = (value.pk if isinstance(value, PKOnlyObject) else value) is None
            shown[name] = None if empty else represent(value)
        return self.for_reader(shown)

    def for_reader(self, shown: dict[str, Any]) -> dict[str, Any]:
        """What is written of one object, `shown` being its fields, made fit for the person it is
        written for (a client's row with what only the team may see taken out, say): the last
        step of writing an object and of writing a list's row (RowWriter)."""
        return shown


def _reader(field: Field) -> Callable[[Any], Any]:
    """How `field` reads its value of an object: `field.get_attribute`, or, for a field that
    reads a plain path of attributes as DRF's own `Field.get_attribute` does, the same path read
    directly. Whatever the direct read cannot answer as DRF would (a missing attribute, a
    callable, a missing related object) is read by `field.get_attribute` after all."""
    get_attribute = field.get_attribute
    attributes = tuple(field.source_attrs)
    if type(field).get_attribute is not Field.get_attribute or not attributes:
        return get_attribute

    def read(instance: Any) -> Any:
        value = instance
        try:
            for name in attributes:
                value = getattr(value, name)
        except (AttributeError, KeyError, ObjectDoesNotExist):
            return get_attribute(instance)
        return get_attribute(instance) if callable(value) else value

    return read


# --- What a read-only list reads -----------------------------------------------------------------


class Columns(NamedTuple):
    """The columns a serializer reads of its model (`only()` paths) and the relations they come
    through (`select_related`)."""

    only: tuple[str, ...]
    related: tuple[str, ...]


_columns: dict[type, Columns | None] = {}


def read_columns(serializer_class: type[serializers.BaseSerializer[Any]]) -> Columns | None:
    """What serializing an object with `serializer_class` reads of it, worked out from its
    fields once per class: a model field, a path through forward relations ("owner.display_name"),
    a choice's label (get_status_display), a nested model serializer (what it reads, through its
    relation). A list of other rows (many=True) reads none of the object's columns: its rows
    come from the queryset's prefetch, as they would without this. A field that reads anything
    else (a property, a method, an annotation) is named with the columns it reads in the
    serializer's `Meta.reads` ({"reference": ["number"]}, [] for an annotation); without that,
    None: the serializer may read anything, and the object is read whole."""
    if serializer_class not in _columns:
        _columns[serializer_class] = _read_columns(serializer_class)
    return _columns[serializer_class]


def _read_columns(serializer_class: type[serializers.BaseSerializer[Any]]) -> Columns | None:
    meta = getattr(serializer_class, "Meta", None)
    model = getattr(meta, "model", None)
    if model is None:
        return None
    hinted: dict[str, list[str]] = getattr(meta, "reads", {})
    only: list[str] = []
    related: list[str] = []
    shown: serializers.Serializer[Any] = serializer_class()  # type: ignore[assignment]
    for name, field in shown.fields.items():
        if name in hinted:
            paths = [path.split("__") for path in hinted[name]]
        elif isinstance(field, serializers.ListSerializer | serializers.ManyRelatedField):
            continue  # rows of another table, read by their own (prefetching) query
        elif isinstance(field, serializers.BaseSerializer):
            nested = read_columns(type(field))
            relation = _forward_path(model, str(field.source).split("."), to_model=True)
            if nested is None or relation is None:
                return None
            prefix = "__".join(relation)
            related.extend([prefix, *(f"{prefix}__{path}" for path in nested.related)])
            only.extend(f"{prefix}__{path}" for path in nested.only)
            continue
        elif field.source == "*" or isinstance(field, serializers.SerializerMethodField):
            return None
        else:
            paths = [str(field.source).split(".")]
        for parts in paths:
            path = _forward_path(model, parts, to_model=False)
            if path is None:
                return None
            only.append("__".join(path))
            related.extend("__".join(path[:depth]) for depth in range(1, len(path)))
    return Columns(tuple(dict.fromkeys(only)), tuple(dict.fromkeys(related)))


def _forward_path(model: type[Model], parts: list[str], *, to_model: bool) -> list[str] | None:
    """The field names of `parts` from `model` (forward relations, then a concrete field, or a
    relation itself where `to_model`), or None where they do not name one."""
    path: list[str] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if last and part.startswith("get_") and part.endswith("_display"):
            part = part.removeprefix("get_").removesuffix("_display")
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if not field.concrete or field.many_to_many:
            return None
        path.append(field.name)
        if field.is_relation:
            if not (field.many_to_one or field.one_to_one):
                return None
            if not last or to_model:
                model = field.related_model  # type: ignore[assignment]
        elif not last or to_model:
            return None
    return path


# --- A list's rows written without their objects -------------------------------------------------
#
# A page of fifty tasks read as model objects and written field by field took half of the task
# list's time: each object made, each value read through its attribute and DRF's field. A list
# whose serializer reads only columns (read_columns) is read as values() rows instead and each row
# written as the serializer writes an object, field by field with the serializer's own fields:
# the same values, labels, dates and decimals, the same fields left out or null where a relation
# is missing. `tests/api/test_lean_lists.py` compares every such list with the whole read.

_VALUE, _CHOICE_LABEL, _PROPERTY, _METHOD, _NESTED = range(5)
_SKIP = object()  # a field the object's writing would leave out


class _Slot(NamedTuple):
    name: str
    kind: int
    path: str  # the values() path the value is read from (a nested serializer's: its relation)
    through: tuple[str, ...]  # the relations it is read through, each a values() path
    extra: Any  # a choice's labels, a property's getter and its columns, a nested plan


class _RowPlan(NamedTuple):
    slots: tuple[_Slot, ...]
    paths: tuple[str, ...]  # every values() path the rows need
    pk: str
    prefix: str


_row_plans: dict[tuple[type, str], _RowPlan | None] = {}


def row_paths(serializer_class: type[Any]) -> tuple[str, ...] | None:
    """The values() paths of the rows `write_rows` writes as `serializer_class` writes its
    objects, or None where it cannot: a field that reads anything but the model's columns and
    forward relations (a list of other rows, a method or a property not named in `Meta.reads`
    with the plain columns it reads, a field of the whole object), a serializer that writes its
    objects its own way (a `to_representation` of its own; `for_reader` is the hook)."""
    plan = _row_plan(serializer_class, "")
    return None if plan is None else plan.paths


def _row_plan(serializer_class: type[Any], prefix: str) -> _RowPlan | None:
    key = (serializer_class, prefix)
    if key not in _row_plans:
        _row_plans[key] = _make_row_plan(serializer_class, prefix)
    return _row_plans[key]


def _make_row_plan(serializer_class: type[Any], prefix: str) -> _RowPlan | None:
    meta = getattr(serializer_class, "Meta", None)
    model = getattr(meta, "model", None)
    if (
        model is None
        or not issubclass(serializer_class, ModelSerializer)
        or serializer_class.to_representation is not ModelSerializer.to_representation
        or read_columns(serializer_class) is None
    ):
        return None
    hinted: dict[str, list[str]] = getattr(meta, "reads", {})
    pk = prefix + model._meta.pk.name
    paths = [pk]
    slots: list[_Slot] = []
    for name, field in serializer_class().fields.items():
        if field.write_only:
            continue
        if name in hinted:
            columns = tuple(hinted[name])
            if not all(_is_plain_column(model, column) for column in columns):
                return None
            if isinstance(field, serializers.SerializerMethodField):
                kind, getter = _METHOD, None
            else:
                attribute = getattr(model, str(field.source), None)
                if not isinstance(attribute, property) or attribute.fget is None:
                    return None
                kind, getter = _PROPERTY, attribute.fget
            paths.extend(prefix + column for column in columns)
            slots.append(_Slot(name, kind, "", (), (getter, columns)))
            continue
        if (
            isinstance(
                field,
                serializers.ListSerializer
                | serializers.ManyRelatedField
                | serializers.SerializerMethodField,
            )
            or field.source == "*"
        ):
            return None
        parts = str(field.source).split(".")
        if isinstance(field, serializers.BaseSerializer):
            relation = _forward_path(model, parts, to_model=True)
            if relation is None:
                return None
            at = prefix + "__".join(relation)
            nested = _row_plan(type(field), at + "__")
            if nested is None:
                return None
            through = tuple(
                prefix + "__".join(relation[:depth]) for depth in range(1, len(relation))
            )
            if through and field.required:
                return None  # DRF fails on a missing related object
            paths.extend([*through, at, *nested.paths])
            slots.append(_Slot(name, _NESTED, at, through, nested))
            continue
        path = _forward_path(model, parts, to_model=False)
        if path is None:
            return None
        model_field = _model_field_at(model, path)
        through = tuple(prefix + "__".join(path[:depth]) for depth in range(1, len(path)))
        at = prefix + "__".join(path)
        if through and field.required:
            return None  # DRF fails on a missing related object
        if parts[-1].startswith("get_") and parts[-1].endswith("_display"):
            labels = dict(model_field.flatchoices)
            slots.append(_Slot(name, _CHOICE_LABEL, at, through, labels))
        elif model_field.is_relation != isinstance(field, serializers.PrimaryKeyRelatedField):
            return None  # a relation written otherwise than by its key, or a key by another field
        elif isinstance(field, serializers.RelatedField) and not isinstance(
            field, serializers.PrimaryKeyRelatedField
        ):
            return None
        else:
            slots.append(_Slot(name, _VALUE, at, through, None))
        paths.extend([*through, at])
    return _RowPlan(tuple(slots), tuple(dict.fromkeys(paths)), pk, prefix)


def _is_plain_column(model: type[Model], name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return bool(field.concrete) and not field.is_relation


def _model_field_at(model: type[Model], path: list[str]) -> Any:
    for name in path[:-1]:
        model = model._meta.get_field(name).related_model  # type: ignore[assignment]
    return model._meta.get_field(path[-1])


class _Row:
    """A row as the object a method field or a property of `Meta.reads` is given: the columns
    named there, and the primary key."""

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None


def write_rows(serializer: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` (values() rows of `row_paths(type(serializer))`) written as `serializer` (a bound
    instance, with its context) writes the objects they were read from."""
    plan = _row_plan(type(serializer), "")
    if plan is None:
        raise ValueError(f"{type(serializer).__name__} does not write rows.")
    write = _row_writer(serializer, plan)
    return [write(row) for row in rows]


def _row_writer(serializer: Any, plan: _RowPlan) -> Callable[[dict[str, Any]], dict[str, Any]]:
    fields = serializer.fields
    writers = [(slot.name, _slot_writer(slot, fields[slot.name], plan)) for slot in plan.slots]
    finish = serializer.for_reader
    skip = _SKIP

    def write(row: dict[str, Any]) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for name, value_of in writers:
            value = value_of(row)
            if value is not skip:
                shown[name] = value
        return finish(shown)

    return write


def _slot_writer(slot: _Slot, field: Any, plan: _RowPlan) -> Callable[[dict[str, Any]], Any]:
    path, through = slot.path, slot.through
    if slot.kind in (_METHOD, _PROPERTY):
        getter, columns = slot.extra
        prefix, pk, pk_name = plan.prefix, plan.pk, plan.pk[len(plan.prefix) :]

        def row_object(row: dict[str, Any]) -> _Row:
            values = {column: row[prefix + column] for column in columns}
            values["pk"] = values[pk_name] = row[pk]
            return _Row(values)

        if slot.kind == _METHOD:
            represent = field.to_representation
            return lambda row: represent(row_object(row))

        def from_property(row: dict[str, Any]) -> Any:
            value = getter(row_object(row))
            return None if value is None else field.to_representation(value)

        return from_property
    if slot.kind == _NESTED:
        nested = _row_writer(field, slot.extra)

        def value_of(row: dict[str, Any]) -> Any:
            return None if row[path] is None else nested(row)

    elif slot.kind == _CHOICE_LABEL:
        labels, represent = slot.extra, field.to_representation

        def value_of(row: dict[str, Any]) -> Any:
            value = row[path]
            label = force_str(labels.get(value, value), strings_only=True)
            return None if label is None else represent(label)

    else:
        represent = _represent(field)

        def value_of(row: dict[str, Any]) -> Any:
            value = row[path]
            return None if value is None else represent(value)

    if not through:
        return value_of

    def through_relations(row: dict[str, Any]) -> Any:
        for relation in through:
            if row[relation] is None:
                return _missing(field)
        return value_of(row)

    return through_relations


def _missing(field: Any) -> Any:
    """What DRF writes of a field read through a missing related object: its default, else
    null where it may be, else nothing (a read-only field is never required)."""
    if field.default is not empty:
        try:
            value = field.get_default()
        except SkipField:
            return _SKIP
        return None if value is None else field.to_representation(value)
    return None if field.allow_null else _SKIP


def _represent(field: Any) -> Callable[[Any], Any]:
    """`field.to_representation`, or what it comes to for the values it is given most: a related
    object's key as it is, a text, a whole number and a truth value as they are."""
    if isinstance(field, serializers.PrimaryKeyRelatedField) and field.pk_field is None:
        return lambda value: value
    represent = field.to_representation
    if type(field) is serializers.DateTimeField:
        return _moment_represent(field)
    kind = {
        serializers.CharField: str,
        serializers.ChoiceField: str,
        serializers.IntegerField: int,
        serializers.BooleanField: bool,
    }.get(type(field))
    if kind is None:
        return represent
    return lambda value: value if type(value) is kind else represent(value)


def _moment_represent(field: Any) -> Callable[[Any], Any]:
    """A DateTimeField's `to_representation`, its time zone looked up once (the person's, for
    the request) rather than for each value: an aware moment in ISO 8601, in that zone, "Z"
    for UTC. Anything else is written by the field itself."""
    represent = field.to_representation
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if output_format is None or output_format.lower() != ISO_8601:
        return represent
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if zone is None:
        return represent

    def iso(value: Any) -> Any:
        if type(value) is not datetime or value.utcoffset() is None:
            return represent(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return iso
