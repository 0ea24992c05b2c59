# Surveys and tickets were built side by side, each with its own first migration.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_surveys"),
        ("feedback", "0002_ticket_search_index"),
    ]

    operations = []
