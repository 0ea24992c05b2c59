"""Threads, entries and attachments now belong to the discussions app (its 0001 migration): they
leave this app's migration state only; their tables stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0001_initial"),
        ("stakeholders", "0011_requirement_version_content"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Attachment"),
                migrations.DeleteModel(name="Entry"),
                migrations.DeleteModel(name="Thread"),
            ],
        )
    ]
