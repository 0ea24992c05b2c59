"""What `make run` does before the server starts, in one process: migrate (a new SQLite database
first gets its schema from demo/sqlite_schema.sql, see demo/sqlite_schema.py), then seed the demo
(seed_demo, idempotent). Prints what seed_demo prints."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from demo.sqlite_schema import load_sqlite_schema


class Command(BaseCommand):
    help = "Migrate the database (quickly when it is a new SQLite one) and seed the demo."
    # The server that `make run` starts next runs the system checks: not twice.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        load_sqlite_schema(connection)
        call_command("migrate", interactive=False, verbosity=0, skip_checks=True)
        call_command("seed_demo", stdout=self.stdout, skip_checks=True)
