"""Write demo/sqlite_schema.sql again: what the migrations give a new SQLite database (see
demo/sqlite_schema.py). Run it after adding migrations, so that `make run` stays fast."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from demo.sqlite_schema import SCHEMA_FILE, write_sqlite_schema


class Command(BaseCommand):
    help = "Migrate a new SQLite database and write its schema to demo/sqlite_schema.sql."

    def handle(self, *args: Any, **options: Any) -> None:
        schema = write_sqlite_schema()
        self.stdout.write(
            f"{SCHEMA_FILE.name}: {len(schema.migrations)} migrations, "
            f"{len(schema.sql) // 1024} KB of SQL."
        )
