"""Every migration of Rapport's apps can be rolled back: each RunPython has a reverse_code and
each RunSQL a reverse_sql (`RunPython.noop` / `RunSQL.noop` when there is nothing to undo), or
the migration is listed in IRREVERSIBLE with the reason. Read from the migration files, without
a database; `scripts/lint_migrations.py` (in `make test`) says the same from the SQL."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation

PROJECT_APPS = (
    "accounts",
    "notifications",
    "projects",
    "discussions",
    "stakeholders",
    "risks",
    "feedback",
    "reports",
    "closeout",
    "lessons",
    "portal",
    "demo",
)

# (app label, migration name): why it cannot be rolled back.
IRREVERSIBLE: dict[tuple[str, str], str] = {}


def project_migrations() -> dict[tuple[str, str], migrations.Migration]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {key: m for key, m in loader.disk_migrations.items() if key[0] in PROJECT_APPS}


def database_operations(operations: list[Operation]) -> Iterator[Operation]:
    for operation in operations:
        if isinstance(operation, migrations.SeparateDatabaseAndState):
            yield from database_operations(operation.database_operations)
        else:
            yield operation


def one_way_steps(migration: migrations.Migration) -> list[str]:
    steps = []
    for operation in database_operations(migration.operations):
        if isinstance(operation, migrations.RunPython) and operation.reverse_code is None:
            steps.append(f"RunPython({operation.code.__name__}) without reverse_code")
        if isinstance(operation, migrations.RunSQL) and operation.reverse_sql is None:
            steps.append("RunSQL without reverse_sql")
    return steps


def test_every_migration_can_be_rolled_back_or_says_why_not():
    found = {
        f"{app}.{name}: {step}"
        for (app, name), migration in project_migrations().items()
        if (app, name) not in IRREVERSIBLE
        for step in one_way_steps(migration)
    }
    assert found == set(), "add the reverse step, or list the migration in IRREVERSIBLE"


def test_the_irreversible_list_names_existing_one_way_migrations():
    found = project_migrations()
    stale = [key for key in IRREVERSIBLE if key not in found or not one_way_steps(found[key])]
    assert stale == []


def test_a_step_without_its_reverse_is_found():
    def forwards(apps, schema_editor):
        pass

    class Migration(migrations.Migration):
        operations = [
            migrations.SeparateDatabaseAndState(
                database_operations=[
                    migrations.RunPython(forwards),
                    migrations.RunSQL("SELECT 1"),
                    migrations.RunPython(forwards, migrations.RunPython.noop),
                    migrations.RunSQL("SELECT 1", migrations.RunSQL.noop),
                ]
            )
        ]

    assert one_way_steps(Migration("0099_probe", "portal")) == [
        "RunPython(forwards) without reverse_code",
        "RunSQL without reverse_sql",
    ]
