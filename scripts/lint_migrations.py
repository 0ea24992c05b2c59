"""The migration linter of `make test` (django-migration-linter, a development dependency).

    DJANGO_ENV=test DATABASE_URL=postgres://… python scripts/lint_migrations.py

It reads the SQL of every migration of Rapport's apps from the database's own backend
(`sqlmigrate`: nothing is applied, the database only has to exist) and fails, naming the
migration and the reason, on what would hurt a running installation during a deploy:

- a long lock or a table rewrite: an index built without CONCURRENTLY on an existing table
  (`CREATE INDEX` blocks every write while it builds), a column type change;
- a change the code still running cannot live with: a NOT NULL column it does not fill, a
  dropped or renamed column or table, a new unique constraint;
- a data step that cannot be undone: RunPython without reverse_code, RunSQL without reverse_sql
  (and the linter's RunPython hygiene: models through `apps.get_model`, named after the model).

Warnings count as errors. A migration that does one of these on purpose — a small table, a
column no running code writes, a step that has no meaningful reverse — is listed in ACCEPTED
with the reason it is safe; that list is the note. The migrations applied before the linter came
are listed there too, each with what it does, so the check applies to every new migration.
`tests/config/test_migrations_reversible.py` and `tests/config/test_migration_indexes.py` say
the same for reversibility and concurrent indexes without a database.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
APPS = (
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

# (app label, migration name): why it is safe. Add a new migration here only with its reason.
ACCEPTED: dict[tuple[str, str], str] = {
    ("accounts", "0002_initial"): (
        "applied before the linter: the second half of the first schema, on empty tables"
    ),
    ("projects", "0003_delivery"): (
        "applied before the linter: the delivery tables, created before any deliverable existed"
    ),
    ("projects", "0005_health"): (
        "applied before the linter: health columns with defaults and their index on projects, "
        "a table of a few hundred rows"
    ),
    ("projects", "0011_deliverable_internal_acceptance"): (
        "applied before the linter: a nullable column and its index on deliverables, "
        "a table of a few thousand rows"
    ),
    ("projects", "0012_invitation"): (
        "applied before the linter: moves invitations' content type; its functions are named "
        "for the step, not for the ContentType model they read"
    ),
    ("stakeholders", "0010_meeting_visibility"): (
        "applied before the linter: a visibility column with a default, filled for existing "
        "meetings in the same migration"
    ),
    ("stakeholders", "0011_requirement_version_content"): (
        "applied before the linter: the content columns of versions and confirmations, with "
        "defaults, filled in the same migration"
    ),
}


def main() -> int:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.from_env")
    import django

    django.setup()
    from django_migration_linter import MigrationLinter

    class Linter(MigrationLinter):
        def should_ignore_migration(
            self,
            app_label: str,
            migration_name: str,
            operations: Iterable[Any] = (),
            is_initial: bool = False,
        ) -> bool:
            return (app_label, migration_name) in ACCEPTED or super().should_ignore_migration(
                app_label, migration_name, operations, is_initial
            )

    # The linter logs each sqlmigrate call at INFO; its findings are printed, not logged.
    logging.getLogger("django_migration_linter").setLevel(logging.WARNING)
    linter = Linter(
        str(BASE_DIR),
        include_apps=APPS,
        cache_path=str(BASE_DIR / "var" / "migration-linter"),
        all_warnings_as_errors=True,
        quiet=["ok", "ignore"],
    )
    linter.lint_all_migrations()
    linter.print_summary()
    return 1 if linter.has_errors else 0


if __name__ == "__main__":
    sys.exit(main())
