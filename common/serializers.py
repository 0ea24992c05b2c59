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
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.text import capfirst
from rest_framework import serializers
from rest_framework.fields import Field

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
