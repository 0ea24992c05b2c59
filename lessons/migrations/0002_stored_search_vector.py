"""The weighted vector of a lesson's title and search text stored in its row for the search of
everything (projects.search.StoredVector), with a GIN index over it. The lessons library keeps
its own index (lesson_search_gin, over the search text alone).

PostgreSQL only (the embedded default searches by substring). The column is filled for every
existing row in one UPDATE and its index built concurrently, so the migration is not atomic."""

from django.db import migrations

from common.migration_operations import AddStoredSearchVector


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("lessons", "0001_initial")]

    operations = [
        AddStoredSearchVector(
            "Lesson", (("title", "A"), ("search_document", "B")), "lesson_search_vector_gin"
        ),
    ]
