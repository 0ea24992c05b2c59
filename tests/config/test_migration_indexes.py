"""A new migration builds its indexes on existing tables concurrently.

`CREATE INDEX` blocks every write to the table until the index is built; on PostgreSQL
`CREATE INDEX CONCURRENTLY` does not. So every index a migration after BASELINE adds to a table
that already exists — `AddIndex`, a unique or exclusion `AddConstraint` (both build an index),
`CREATE INDEX` in RunSQL or RunPython — uses `common.migration_operations.AddIndexConcurrently`
in a migration with `atomic = False`, or the migration is listed in NOTED with the reason a
plain index is fine there. An index on a table the same migration creates is always fine.
`scripts/lint_migrations.py` (in `make test`) checks the SQL as well."""

from __future__ import annotations

import inspect
import re

import pytest
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.operations import AddIndexConcurrently as PostgresConcurrently
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation
from django.db.utils import ConnectionHandler, NotSupportedError

from common.migration_operations import AddIndexConcurrently
from tests.config.test_migrations_reversible import PROJECT_APPS, database_operations

# The latest migration of each app when this check came; every migration after them is new.
BASELINE = {
    "accounts": "0003_invitation_to_projects",
    "notifications": "0005_outbox_claimed_at",
    "projects": "0012_invitation",
    "discussions": "0002_content_types",
    "stakeholders": "0012_move_discussions",
    "risks": "0002_search_index",
    "feedback": "0003_merge_surveys_tickets",
    "reports": "0001_status_reports",
    "portal": "0001_initial",
}

# (app label, migration name): why a plain index is fine there.
NOTED: dict[tuple[str, str], str] = {}

PLAIN_CREATE_INDEX = re.compile(r"CREATE\s+(UNIQUE\s+)?INDEX(?!\s+CONCURRENTLY)", re.IGNORECASE)


@pytest.fixture(scope="module")
def loader() -> MigrationLoader:
    return MigrationLoader(None, ignore_no_migrations=True)


def new_migrations(loader: MigrationLoader) -> dict[tuple[str, str], migrations.Migration]:
    old = set()
    for app, name in BASELINE.items():
        old |= set(loader.graph.forwards_plan((app, name)))
    return {
        key: migration
        for key, migration in loader.disk_migrations.items()
        if key[0] in PROJECT_APPS and key not in old
    }


def _source(function: object) -> str:
    try:
        return inspect.getsource(function)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return ""


def _builds_an_index(operation: Operation) -> bool:
    if isinstance(operation, migrations.AddIndex):
        return True
    if isinstance(operation, migrations.AddConstraint):
        constraint = operation.constraint
        return isinstance(constraint, ExclusionConstraint | models.UniqueConstraint)
    return False


def _raw_index_statements(operation: Operation) -> bool:
    if isinstance(operation, migrations.RunSQL):
        statements = operation.sql if isinstance(operation.sql, list | tuple) else [operation.sql]
        return any(PLAIN_CREATE_INDEX.search(str(statement)) for statement in statements)
    if isinstance(operation, migrations.RunPython):
        return bool(PLAIN_CREATE_INDEX.search(_source(operation.code)))
    return False


def locking_index_steps(migration: migrations.Migration) -> list[str]:
    created: set[str] = set()
    steps = []
    for operation in database_operations(migration.operations):
        if isinstance(operation, migrations.CreateModel):
            created.add(operation.name_lower)
            continue
        if isinstance(operation, PostgresConcurrently):
            if migration.atomic:
                steps.append(f"{operation.describe()} in an atomic migration")
            continue
        model = getattr(operation, "model_name_lower", None)
        if _builds_an_index(operation) and model not in created:
            steps.append(operation.describe())
        elif _raw_index_statements(operation):
            steps.append(f"CREATE INDEX without CONCURRENTLY in {type(operation).__name__}")
    return steps


def test_the_baseline_names_existing_migrations(loader):
    missing = [(app, name) for app, name in BASELINE.items() if (app, name) not in loader.graph]
    assert missing == []
    # An app that came after this check (lessons) has no baseline: all its migrations are new.
    assert set(BASELINE) <= {app for app, _ in loader.disk_migrations if app in PROJECT_APPS}


def test_new_migrations_build_indexes_on_existing_tables_concurrently(loader):
    found = {
        f"{app}.{name}: {step}"
        for (app, name), migration in new_migrations(loader).items()
        if (app, name) not in NOTED
        for step in locking_index_steps(migration)
    }
    assert found == set(), "use AddIndexConcurrently with atomic = False, or note it in NOTED"


def test_the_notes_name_new_migrations(loader):
    assert set(NOTED) <= set(new_migrations(loader))


def test_the_check_tells_a_locking_index_from_a_concurrent_one():
    def add_search_index(apps, schema_editor):
        schema_editor.execute("CREATE INDEX risk_probe ON risks_risk (title)")

    index = models.Index(fields=["title"], name="risk_probe")

    class Locking(migrations.Migration):
        operations = [
            migrations.AddIndex("risk", index),
            migrations.AddConstraint(
                "risk", models.UniqueConstraint(fields=["title"], name="risk_probe_unique")
            ),
            migrations.RunPython(add_search_index, migrations.RunPython.noop),
            migrations.RunSQL("CREATE UNIQUE INDEX probe ON risks_risk (title)", "SELECT 1"),
            AddIndexConcurrently("risk", index),
        ]

    class Concurrent(migrations.Migration):
        atomic = False
        operations = [
            migrations.CreateModel("Probe", [("id", models.BigAutoField(primary_key=True))]),
            migrations.AddIndex("probe", models.Index(fields=["id"], name="probe_id")),
            AddIndexConcurrently("risk", index),
            migrations.RunSQL("CREATE INDEX CONCURRENTLY probe ON risks_risk (title)", "SELECT 1"),
        ]

    assert len(locking_index_steps(Locking("0099_probe", "risks"))) == 5
    assert locking_index_steps(Concurrent("0099_probe", "risks")) == []


def _sql_of(database, loader: MigrationLoader) -> list[str]:
    operation = AddIndexConcurrently("risk", models.Index(fields=["title"], name="risk_probe"))
    before = loader.project_state()
    after = before.clone()
    operation.state_forwards("risks", after)
    with database.schema_editor(collect_sql=True, atomic=False) as editor:
        operation.database_forwards("risks", editor, before, after)
    return editor.collected_sql


@pytest.mark.django_db
def test_the_concurrent_index_needs_a_non_atomic_migration_on_postgresql_only(loader):
    sqlite = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    )["default"]
    try:
        sqlite_sql = _sql_of(sqlite, loader)
    finally:
        sqlite.close()

    assert sqlite_sql[0].startswith('CREATE INDEX "risk_probe"')
    # The test runs in a transaction: PostgreSQL's concurrent build refuses it.
    assert connection.vendor == "postgresql"
    with pytest.raises(NotSupportedError, match="set atomic = False on the migration"):
        _sql_of(connection, loader)
