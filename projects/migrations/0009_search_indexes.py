"""GIN indexes for search (projects.search), PostgreSQL only.

Each index is over exactly the SearchVector expression projects.search builds for its kind
(setweight(to_tsvector('simple', COALESCE(field, '')), weight), concatenated), built by
GinIndex so the SQL is Django's own and the planner can match the queries to it. The fields
below must stay equal to the registrations in projects/search.py; tests/projects/test_search.py
checks with EXPLAIN that the searches use these indexes. SQLite (the embedded default) searches
by substring and gets no index.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import CharField, F, Func, Value

INDEXES = [
    (
        "Project",
        "project_search_gin",
        (("code", "A"), ("name", "A"), ("summary", "B"), ("scope_statement", "C")),
    ),
    ("Milestone", "milestone_search_gin", (("name", "A"), ("description", "B"))),
    ("Deliverable", "deliverable_search_gin", (("name", "A"), ("description", "B"))),
    ("Task", "task_search_gin", (("name", "A"), ("description", "B"))),
    ("Document", "document_search_gin", (("title", "A"),)),
]
# A file name is indexed with "._-" turned into spaces (projects.search_kinds.document_file_name_vector).
FILE_NAME_SEPARATORS = "._-"


def _index(fields, name):
    vector = None
    for field, weight in fields:
        part = SearchVector(field, config="simple", weight=weight)
        vector = part if vector is None else vector + part
    return GinIndex(vector, name=name)


def _file_name_index():
    words = Func(
        F("original_name"),
        Value(FILE_NAME_SEPARATORS),
        Value(" " * len(FILE_NAME_SEPARATORS)),
        function="translate",
        output_field=CharField(),
    )
    return GinIndex(
        SearchVector(words, config="simple", weight="A"), name="document_file_search_gin"
    )


def _all(apps):
    for model_name, name, fields in INDEXES:
        yield apps.get_model("projects", model_name), _index(fields, name)
    yield apps.get_model("projects", "DocumentVersion"), _file_name_index()


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _all(apps):
        schema_editor.add_index(model, index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in reversed(list(_all(apps))):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("projects", "0008_merge_tasks")]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
