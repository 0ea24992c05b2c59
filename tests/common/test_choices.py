"""get_FOO_display() with its labels read once (common/choices.py): for every field with choices
of every model, every choice, a value that is not one and no value are named as Django names
them, in English and in Chinese; a method a model defines itself is left alone."""

from __future__ import annotations

from functools import partialmethod

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps
from django.utils import translation

from common.choices import display_of, speed_up_choice_displays


def _choice_fields():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.local_fields:
            if field.choices:
                yield model, field


def test_every_generated_display_of_the_project_is_replaced():
    fields = list(_choice_fields())
    assert len(fields) > 50
    for model, field in fields:
        method = getattr(model, f"get_{field.name}_display")
        assert not isinstance(method, partialmethod), f"{model.__name__}.{field.name}"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_value_is_named_as_django_names_it(language):
    checked = 0
    with translation.override(language):
        for model, field in _choice_fields():
            values = [value for value, _label in field.flatchoices]
            for value in [*values, "not-a-choice", 987654, None]:
                row = model()
                setattr(row, field.attname, value)
                ours = getattr(row, f"get_{field.name}_display")()
                django = models.Model._get_FIELD_display(row, field)
                assert ours == django, (model.__name__, field.name, value)
                assert type(ours) is type(django)
                checked += 1
    assert checked > 300


@isolate_apps("common")
def test_a_display_a_model_defines_itself_is_kept():
    class Shirt(models.Model):
        size = models.CharField(max_length=1, choices=[("s", "Small"), ("l", "Large")])
        colour = models.CharField(max_length=1, choices=[("r", "Red")])

        class Meta:
            app_label = "common"

        def __str__(self) -> str:
            return self.size

        def get_size_display(self) -> str:
            return f"size {self.size}"

    assert speed_up_choice_displays([Shirt]) == 1
    assert Shirt(size="s").get_size_display() == "size s"
    assert Shirt(colour="r").get_colour_display() == "Red"
    assert Shirt(colour="x").get_colour_display() == "x"
    assert display_of(Shirt._meta.get_field("size"))(Shirt(size="l")) == "Large"
