"""demo/sqlite_schema.sql, the schema `make run` gives a new SQLite database instead of replaying
every migration (demo/sqlite_schema.py): it is used only while it matches the migrations on disk,
and a database built from it, then migrated, is the one `migrate` alone builds."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from demo.sqlite_schema import (
    SCHEMA_FILE,
    load_sqlite_schema,
    migration_digests,
    read_schema_file,
    usable,
)

ROOT = Path(settings.BASE_DIR)
REGENERATE = "run `python manage.py write_sqlite_schema`"


def test_the_schema_file_matches_the_migrations_on_disk():
    schema = read_schema_file()

    assert schema is not None, f"{SCHEMA_FILE} is missing: {REGENERATE}"
    # A migration it names changed since, or Django's version did: `make run` ignores it.
    assert usable(schema), f"{SCHEMA_FILE} no longer matches the migrations: {REGENERATE}"
    assert "CREATE TABLE" in schema.sql
    # It may lag behind (migrate applies the newer ones after it), never run ahead.
    assert set(schema.migrations) <= set(migration_digests())


def test_a_changed_or_missing_migration_or_another_django_makes_it_unusable():
    schema = read_schema_file()
    assert schema is not None
    key = next(iter(schema.migrations))

    assert not usable(replace(schema, migrations={**schema.migrations, key: "0" * 64}))
    assert not usable(
        replace(schema, migrations={**schema.migrations, ("accounts", "9999_gone"): "0" * 64})
    )
    assert not usable(replace(schema, django_version="1.0"))
    assert not usable(None)


def test_a_database_other_than_sqlite_is_left_to_migrate():
    assert connection.vendor != "sqlite"
    assert load_sqlite_schema(connection) is False


def _environment(var: Path) -> dict[str, str]:
    return {
        **{
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))
        },
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "RAPPORT_VAR_DIR": str(var),
        "DATABASE_URL": "",
        "REDIS_URL": "",
    }


LOAD_THEN_MIGRATE = """
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from demo.sqlite_schema import load_sqlite_schema
assert load_sqlite_schema(connection), "the schema file was not used"
assert not load_sqlite_schema(connection), "loaded into a database that has tables"
call_command("migrate", interactive=False, verbosity=0)
"""


def _build(var: Path, *arguments: str) -> Path:
    subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env=_environment(var),
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=900,
    )
    return var / "rapport.sqlite3"


# Rows compared by what they say rather than by their ids: the order in which post_migrate makes
# content types (and so their ids) follows Django's internal model registry, which differs
# between a database migrated from scratch and one that got only the newer migrations.
BY_NATURAL_KEY = {
    "django_migrations": "SELECT app, name FROM django_migrations",
    "django_content_type": "SELECT app_label, model FROM django_content_type",
    "auth_permission": (
        "SELECT t.app_label, t.model, p.codename, p.name FROM auth_permission p "
        "JOIN django_content_type t ON t.id = p.content_type_id"
    ),
}


def _contents(database: Path) -> dict[str, object]:
    """The schema and every row; the time a row was written (when a migration was applied, a
    row a data migration stamped) is compared by whether it is set."""
    with closing(sqlite3.connect(database)) as db:
        schema = sorted(
            db.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        )
        rows: dict[str, object] = {
            table: sorted(db.execute(query)) for table, query in BY_NATURAL_KEY.items()
        }
        for (table,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ):
            if table in BY_NATURAL_KEY:
                continue
            columns = list(db.execute(f'PRAGMA table_info("{table}")'))
            selected = ", ".join(
                f'"{name}" IS NOT NULL' if kind.lower() == "datetime" else f'"{name}"'
                for _, name, kind, *_ in columns
            )
            rows[table] = sorted(
                db.execute(f'SELECT {selected} FROM "{table}"'),  # noqa: S608  (names from sqlite_master)
                key=repr,
            )
    return {"schema": schema, "rows": rows}


@pytest.mark.slow
def test_a_database_built_from_the_schema_file_is_the_one_migrate_builds(tmp_path):
    migrated = _build(tmp_path / "migrated", "manage.py", "migrate", "--noinput", "-v", "0")
    loaded = _build(tmp_path / "loaded", "-c", LOAD_THEN_MIGRATE)

    expected = _contents(migrated)
    actual = _contents(loaded)
    assert actual["schema"] == expected["schema"]
    assert actual["rows"] == expected["rows"]
