"""A GIN index for discussion search (projects.search; registered in
discussions/search.py), PostgreSQL only, over exactly the SearchVector the
registration builds: keep the fields equal."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

FIELDS = (("body", "A"),)


def _index():
    vector = None
    for field, weight in FIELDS:
        part = SearchVector(field, config="simple", weight=weight)
        vector = part if vector is None else vector + part
    return GinIndex(vector, name="entry_search_gin")


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("stakeholders", "Entry"), _index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("stakeholders", "Entry"), _index())


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0007_change_request_requirements")]

    operations = [migrations.RunPython(add_index, remove_index)]
