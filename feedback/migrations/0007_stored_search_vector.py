"""Each searchable kind's weighted vector stored in its row (projects.search.StoredVector), with
a GIN index over it in place of the index over the expression.

PostgreSQL only (the embedded default searches by substring). The column is filled for every
existing row in one UPDATE and its index built concurrently, so the migration is not atomic."""

from django.db import migrations

from common.migration_operations import AddStoredSearchVector, weighted_vector_index


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("feedback", "0006_opportunity_won_at")]

    operations = [
        AddStoredSearchVector(
            "FeedbackTicket",
            (("title", "A"), ("description", "B")),
            "feedback_ticket_search_vector_gin",
            replaces=weighted_vector_index(
                (("title", "A"), ("description", "B")), "feedback_ticket_search_gin"
            ),
        ),
    ]
