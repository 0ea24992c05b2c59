from django.db import migrations, models

from common.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    # The index is built concurrently: the outbox takes writes while it builds.
    atomic = False

    dependencies = [
        ("notifications", "0005_outbox_claimed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="project_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="project"),
        ),
        AddIndexConcurrently(
            model_name="outboxmessage",
            index=models.Index(fields=["project_id", "status"], name="outbox_project_status"),
        ),
    ]
