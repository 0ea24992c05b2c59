"""Each searchable kind's weighted vector stored in its row (projects.search.StoredVector), with
a GIN index over it in place of the index over the expression.

PostgreSQL only (the embedded default searches by substring). The column is filled for every
existing row in one UPDATE and its index built concurrently, so the migration is not atomic."""

from django.db import migrations

from common.migration_operations import AddStoredSearchVector, weighted_vector_index


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("risks", "0004_revision")]

    operations = [
        AddStoredSearchVector(
            "Risk",
            (("title", "A"), ("description", "B"), ("trigger", "C")),
            "risk_search_vector_gin",
            replaces=weighted_vector_index(
                (("title", "A"), ("description", "B"), ("trigger", "C")), "risk_search_gin"
            ),
        ),
    ]
