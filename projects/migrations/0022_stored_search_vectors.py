"""Each searchable kind's weighted vector stored in its row (projects.search.StoredVector), with
a GIN index over it in place of the index over the expression.

PostgreSQL only (the embedded default searches by substring). The column is filled for every
existing row in one UPDATE and its index built concurrently, so the migration is not atomic."""

from django.db import migrations

from common.migration_operations import AddStoredSearchVector, weighted_vector_index


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("projects", "0021_membership_user_roles_index")]

    operations = [
        AddStoredSearchVector(
            "Project",
            (("code", "A"), ("name", "A"), ("summary", "B"), ("scope_statement", "C")),
            "project_search_vector_gin",
            replaces=weighted_vector_index(
                (("code", "A"), ("name", "A"), ("summary", "B"), ("scope_statement", "C")),
                "project_search_gin",
            ),
        ),
        AddStoredSearchVector(
            "Milestone",
            (("name", "A"), ("description", "B")),
            "milestone_search_vector_gin",
            replaces=weighted_vector_index(
                (("name", "A"), ("description", "B")), "milestone_search_gin"
            ),
        ),
        AddStoredSearchVector(
            "Deliverable",
            (("name", "A"), ("description", "B")),
            "deliverable_search_vector_gin",
            replaces=weighted_vector_index(
                (("name", "A"), ("description", "B")), "deliverable_search_gin"
            ),
        ),
        AddStoredSearchVector(
            "Task",
            (("name", "A"), ("description", "B")),
            "task_search_vector_gin",
            replaces=weighted_vector_index(
                (("name", "A"), ("description", "B")), "task_search_gin"
            ),
        ),
        AddStoredSearchVector(
            "Document",
            (("title", "A"),),
            "document_search_vector_gin",
            replaces=weighted_vector_index((("title", "A"),), "document_search_gin"),
        ),
    ]
