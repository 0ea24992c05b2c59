from django.db import migrations, models

from common.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    # The index is built concurrently: the task table takes writes while it builds.
    atomic = False

    dependencies = [
        ("projects", "0017_task_owner_side_repeat"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="task",
            index=models.Index(
                fields=["repeat_series", "occurrence"], name="task_repeat_series_idx"
            ),
        ),
    ]
