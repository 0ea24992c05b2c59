from django.db import migrations, models

from common.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently


class Migration(migrations.Migration):
    # The task list's outline is read from an index that holds its columns; it replaces the
    # index of the same order. Both are built and dropped concurrently: the task table takes
    # writes meanwhile.
    atomic = False

    dependencies = [
        ("projects", "0022_stored_search_vectors"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="task",
            index=models.Index(
                fields=["project", "position", "id"],
                include=["parent", "name", "status", "start_date", "due_date"],
                name="task_project_outline_idx",
            ),
        ),
        RemoveIndexConcurrently(model_name="task", name="task_project_position_idx"),
    ]
