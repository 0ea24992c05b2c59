"""`get_FOO_display()` without hashing every label at every call.

Django's `Model._get_FIELD_display` builds a dict of the field's choices at each call, and
hashing a translatable label translates it: a field of eight choices costs eight lookups in the
catalogue to name one value, about 30 µs. A Gantt of a hundred rows or a portfolio of fifty
projects names a status or a phase per row. `speed_up_choice_displays()` (run once the models are
loaded, common.apps) gives each model's generated `get_FOO_display` a dict of the field's values
made once, whose labels stay translatable: a call translates the one label it returns, in the
language active then, and answers what Django's answers (the value itself if it is not a choice).
A field whose choices are a callable, read again at each call, and a `get_FOO_display` a model
defines itself are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partialmethod
from typing import Any

from django.db import models
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def display_of(field: models.Field[Any, Any]) -> Callable[[models.Model], Any]:
    """`get_FOO_display` of `field`, its choices' labels read into a dict once."""
    labels = {make_hashable(value): label for value, label in field.flatchoices}
    attname = field.attname

    def display(self: models.Model) -> Any:
        value = getattr(self, attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)

    display.__name__ = f"get_{field.name}_display"
    return display


def _generated(model: type[models.Model], field: models.Field[Any, Any]) -> bool:
    """Whether the model's `get_FOO_display` of `field` is the one Django generated."""
    method = model.__dict__.get(f"get_{field.name}_display")
    return (
        isinstance(method, partialmethod)
        and method.func is models.Model._get_FIELD_display  # type: ignore[attr-defined]
        and method.keywords.get("field") is field
    )


def speed_up_choice_displays(model_classes: Iterable[type[models.Model]]) -> int:
    """Give each generated `get_FOO_display` of the models its dict; the number replaced."""
    replaced = 0
    for model in model_classes:
        for field in model._meta.local_fields:
            if not field.choices or isinstance(field.choices, CallableChoiceIterator):
                continue
            if _generated(model, field):
                setattr(model, f"get_{field.name}_display", display_of(field))
                replaced += 1
    return replaced
