from django.db import migrations, models

from common.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    # The index is built concurrently: the project table takes writes while it builds.
    atomic = False

    dependencies = [
        ("projects", "0019_task_project_position_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="project",
            index=models.Index(fields=["name", "id"], name="project_name_id_idx"),
        ),
    ]
