"""Choices of model choice fields from rows a page has already read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIteratorValue


def offer(field: forms.Field, objects: Iterable[Any]) -> None:
    """Let a model choice field offer `objects`, already read, as its choices: the options its
    queryset would give, in the same order, so that a page showing several forms that choose
    among the same rows reads them once. The queryset still validates what is posted."""
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{field!r} is not a model choice field")
    choices: list[tuple[Any, Any]] = []
    if field.empty_label is not None:
        choices.append(("", field.empty_label))
    choices.extend(
        (ModelChoiceIteratorValue(field.prepare_value(obj), obj), field.label_from_instance(obj))
        for obj in objects
    )
    field.choices = choices
