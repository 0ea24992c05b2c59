"""A GIN index for requirement search (projects.search; registered in stakeholders/search.py),
PostgreSQL only, over exactly the SearchVector the registration builds: keep the fields equal.
tests/stakeholders/test_requirements.py checks with EXPLAIN that the search uses it."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

FIELDS = (("title", "A"), ("description", "B"), ("acceptance_notes", "C"))


def _index():
    vector = None
    for field, weight in FIELDS:
        part = SearchVector(field, config="simple", weight=weight)
        vector = part if vector is None else vector + part
    return GinIndex(vector, name="requirement_search_gin")


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("stakeholders", "Requirement"), _index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("stakeholders", "Requirement"), _index())


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0002_requirements")]

    operations = [migrations.RunPython(add_index, remove_index)]
