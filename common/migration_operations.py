"""Migration operations that keep a running installation writable.

`AddIndexConcurrently` builds an index on an existing table with PostgreSQL's
`CREATE INDEX CONCURRENTLY`: writes go on while it builds, where a plain `CREATE INDEX` blocks
them until it is done. PostgreSQL refuses it inside a transaction, so a migration using it sets
`atomic = False` (and holds nothing else that needs one). Other databases (SQLite, the embedded
default) have no such option and get a plain index. `tests/config/test_migration_indexes.py`
requires it for every index a new migration adds to an existing table.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres import operations as postgres_operations
from django.db import migrations


class AddIndexConcurrently(postgres_operations.AddIndexConcurrently):
    def database_forwards(self, app_label: str, schema_editor: Any, *states: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, *states)
        else:
            migrations.AddIndex.database_forwards(self, app_label, schema_editor, *states)

    def database_backwards(self, app_label: str, schema_editor: Any, *states: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, *states)
        else:
            migrations.AddIndex.database_backwards(self, app_label, schema_editor, *states)
