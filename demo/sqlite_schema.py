"""The schema that the migrations give a new embedded (SQLite) database, kept as SQL in
demo/sqlite_schema.sql, so that `make run` on a fresh clone does not replay every migration.

Replaying them on an empty database takes half a minute on an idle machine, nearly all of it
Django rebuilding its model state after each operation, and minutes on a busy one; running their
SQL takes a fraction of a second. The file holds what `migrate` leaves in a new SQLite database:
the tables and indexes, and the rows its data migrations add. It names the migrations it comes
from, with a digest of each file, and the Django version that wrote it.

`load_sqlite_schema` uses it only for an empty SQLite database, and only while every migration it
names is still on disk unchanged and Django's version is the same; otherwise it does nothing and
`migrate` runs them all, as before. After it, `migrate` runs as usual: it applies the migrations
newer than the file (the file lags behind by those until it is written again) and makes the
content types and permissions. tests/demo/test_sqlite_schema.py checks that a database built
this way has the schema and rows of one built by `migrate` alone.

Written again with `python manage.py write_sqlite_schema` (after adding migrations, to keep
`make run` fast; a file that lags behind is still used, and a stale one is ignored).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

SCHEMA_FILE = Path(__file__).resolve().with_name("sqlite_schema.sql")
# Rows `migrate` writes on every run (content types and permissions, by its post_migrate signal)
# or that say when a migration was applied: not kept in the file.
ROWS_NOT_KEPT = frozenset({"django_migrations", "django_content_type", "auth_permission"})
DJANGO_LINE = "-- django "
MIGRATION_LINE = "-- migration "


@dataclass(frozen=True)
class SchemaFile:
    django_version: str
    migrations: dict[tuple[str, str], str]  # (app label, name) -> sha256 of its file
    sql: str


def migration_digests() -> dict[tuple[str, str], str]:
    """Every migration on disk, (app label, name) -> sha256 of its file."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    digests = {}
    for key, migration in loader.disk_migrations.items():
        source = Path(str(sys.modules[type(migration).__module__].__file__))
        digests[key] = hashlib.sha256(source.read_bytes()).hexdigest()
    return digests


def read_schema_file(path: Path = SCHEMA_FILE) -> SchemaFile | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    # The header: the comment lines at the top. Everything after it is SQL, as written.
    lines = text.splitlines(keepends=True)
    end = next((i for i, line in enumerate(lines) if not line.startswith("--")), len(lines))
    version = ""
    migrations = {}
    for line in lines[:end]:
        if line.startswith(DJANGO_LINE):
            version = line.removeprefix(DJANGO_LINE).strip()
        elif line.startswith(MIGRATION_LINE):
            app_label, name, digest = line.removeprefix(MIGRATION_LINE).split()
            migrations[(app_label, name)] = digest
    return SchemaFile(django_version=version, migrations=migrations, sql="".join(lines[end:]))


def usable(schema: SchemaFile | None) -> bool:
    """Whether `schema` is what the migrations on disk create, so far as it goes: written by this
    Django version, from migrations all still there and unchanged."""
    if schema is None or not schema.migrations or schema.django_version != django.get_version():
        return False
    digests = migration_digests()
    return all(digests.get(key) == digest for key, digest in schema.migrations.items())


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def load_sqlite_schema(connection: BaseDatabaseWrapper) -> bool:
    """Give an empty SQLite database the schema of demo/sqlite_schema.sql and record its
    migrations as applied, in one transaction. Does nothing, and says False, for any other
    database, inside a transaction (the script commits), or when the file does not match the
    migrations on disk (see `usable`)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return False
    if connection.introspection.table_names():
        return False
    schema = read_schema_file()
    if schema is None or not usable(schema):
        return False
    applied = _quote(str(connection.ops.adapt_datetimefield_value(timezone.now())))
    recorded = "".join(
        f'INSERT INTO "django_migrations" ("app", "name", "applied") '  # noqa: S608  (quoted)
        f"VALUES ({_quote(app_label)}, {_quote(name)}, {applied});\n"
        for app_label, name in schema.migrations
    )
    connection.ensure_connection()
    raw = connection.connection
    try:
        raw.executescript(f"BEGIN IMMEDIATE;\n{schema.sql}{recorded}COMMIT;\n")
    except BaseException:
        if raw.in_transaction:
            raw.rollback()
        raise
    return True


def dump_sqlite_database(path: Path) -> str:
    """The SQL that makes the database at `path` again: its tables, then its indexes (triggers,
    views), then its rows, except those of ROWS_NOT_KEPT."""
    with closing(sqlite3.connect(path)) as database:
        objects = database.execute(
            "SELECT type, name, sql FROM sqlite_master "
            "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY type != 'table', rowid"
        ).fetchall()
        statements = [f"{sql};" for _type, _name, sql in objects]
        for kind, table, _sql in objects:
            if kind != "table" or table in ROWS_NOT_KEPT:
                continue
            columns = [row[1] for row in database.execute(f'PRAGMA table_info("{table}")')]
            names = ", ".join(f'"{column}"' for column in columns)
            values = " || ', ' || ".join(f'quote("{column}")' for column in columns)
            # SQLite's quote() writes each value as an SQL literal; the names come from
            # sqlite_master.
            select = f'SELECT {values} FROM "{table}" ORDER BY rowid'  # noqa: S608
            statements += [
                f'INSERT INTO "{table}" ({names}) VALUES ({row});'  # noqa: S608
                for (row,) in database.execute(select)
            ]
    return "\n".join(statements) + "\n"


def write_sqlite_schema(path: Path = SCHEMA_FILE) -> SchemaFile:
    """Migrate a new SQLite database in a process of its own (the settings' database may be
    another) and write what it holds to `path`."""
    digests = migration_digests()
    with tempfile.TemporaryDirectory() as var_dir:
        environment = {
            **{
                key: value
                for key, value in os.environ.items()
                if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))
            },
            "DATABASE_URL": "",  # the embedded default: SQLite under RAPPORT_VAR_DIR
            "REDIS_URL": "",
            "RAPPORT_VAR_DIR": var_dir,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=settings.BASE_DIR,
            env=environment,
            check=True,
        )
        database = Path(var_dir) / "rapport.sqlite3"
        with closing(sqlite3.connect(database)) as migrated:
            applied = migrated.execute("SELECT app, name FROM django_migrations ORDER BY id")
            migrations = {
                (app_label, name): digests[(app_label, name)] for app_label, name in applied
            }
        sql = dump_sqlite_database(database)
    header = [
        "-- What `migrate` leaves in a new SQLite database, less the content types, permissions",
        "-- and applied-migration rows it writes itself (demo/sqlite_schema.py). Generated by",
        "-- `python manage.py write_sqlite_schema`: do not edit.",
        f"{DJANGO_LINE}{django.get_version()}",
        *(f"{MIGRATION_LINE}{app} {name} {digest}" for (app, name), digest in migrations.items()),
    ]
    path.write_text("\n".join(header) + "\n" + sql, encoding="utf-8")
    return SchemaFile(django_version=django.get_version(), migrations=migrations, sql=sql)
