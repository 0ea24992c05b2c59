"""A deliverable belongs to the project of its milestone: a composite foreign key keeps the
copied project equal to the milestone's (PostgreSQL only, like 0002)."""

from django.db import migrations

SQL_ADD = (
    "ALTER TABLE projects_deliverable ADD CONSTRAINT deliverable_milestone_project_fk "
    "FOREIGN KEY (milestone_id, project_id) REFERENCES projects_milestone (id, project_id) "
    "ON UPDATE CASCADE"
)
SQL_DROP = (
    "ALTER TABLE projects_deliverable DROP CONSTRAINT IF EXISTS deliverable_milestone_project_fk"
)


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL_ADD)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL_DROP)


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_delivery")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
