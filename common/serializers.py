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
from typing import Any, NamedTuple, TypeVar

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db.models import Model
from django.utils.text import capfirst
from rest_framework import serializers
from rest_framework.fields import Field, SkipField
from rest_framework.relations import PKOnlyObject

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
