from django.db import migrations, models

from common.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    # The index is built concurrently: the task table takes writes while it builds.
    atomic = False

    dependencies = [
        ("projects", "0018_task_repeat_series_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="task",
            index=models.Index(
                fields=["project", "position", "id"], name="task_project_position_idx"
            ),
        ),
    ]
