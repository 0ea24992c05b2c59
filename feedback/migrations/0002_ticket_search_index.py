"""The GIN index that serves the search of feedback tickets: exactly the SearchVector of the
fields registered in feedback.tickets.search (title A, description B), like
projects/0009_search_indexes. PostgreSQL only; a no-op on SQLite."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

FIELDS = (("title", "A"), ("description", "B"))


def _index():
    vector = None
    for field, weight in FIELDS:
        part = SearchVector(field, config="simple", weight=weight)
        vector = part if vector is None else vector + part
    return GinIndex(vector, name="feedback_ticket_search_gin")


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("feedback", "FeedbackTicket"), _index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("feedback", "FeedbackTicket"), _index())


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_tickets")]

    operations = [migrations.RunPython(add_index, remove_index)]
