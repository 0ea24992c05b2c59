"""Migration operations that keep a running installation writable.

`AddIndexConcurrently` builds an index on an existing table with PostgreSQL's
`CREATE INDEX CONCURRENTLY`: writes go on while it builds, where a plain `CREATE INDEX` blocks
them until it is done. PostgreSQL refuses it inside a transaction, so a migration using it sets
`atomic = False` (and holds nothing else that needs one). Other databases (SQLite, the embedded
default) have no such option and get a plain index. `tests/config/test_migration_indexes.py`
requires it for every index a new migration adds to an existing table. `RemoveIndexConcurrently`
drops one the same way.

`AddStoredSearchVector` stores a searchable kind's weighted vector in its rows (a column a
trigger keeps up to date) with a GIN index over it, built the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


class RemoveIndexConcurrently(postgres_operations.RemoveIndexConcurrently):
    """`DROP INDEX CONCURRENTLY` on PostgreSQL (writes go on while it waits for the queries
    reading the index), a plain drop elsewhere."""

    def database_forwards(self, app_label: str, schema_editor: Any, *states: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, *states)
        else:
            migrations.RemoveIndex.database_forwards(self, app_label, schema_editor, *states)

    def database_backwards(self, app_label: str, schema_editor: Any, *states: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, *states)
        else:
            migrations.RemoveIndex.database_backwards(self, app_label, schema_editor, *states)


SEARCH_VECTOR_COLUMN = "search_vector"


def weighted_vector_sql(
    columns: Sequence[tuple[str, str]], quote_name: Callable[[str], str], row: str = ""
) -> str:
    """The SQL of a row's weighted search vector: one setweight(to_tsvector('simple', ...)) per
    (column, weight), concatenated, as `projects.search.search_vector` builds it. `row` prefixes
    the columns (`NEW.` in a trigger)."""
    return " || ".join(
        f"setweight(to_tsvector('simple'::regconfig, COALESCE({row}{quote_name(column)}::text, "
        f"'')), '{weight}')"
        for column, weight in columns
    )


class AddStoredSearchVector(migrations.operations.base.Operation):
    """A `search_vector` column that PostgreSQL keeps equal to the weighted vector of `fields`
    (a trigger on insert and on an update of those fields), filled for the rows there are, with
    a GIN index `index_name` over it built concurrently; the expression index it replaces
    (`replaces`) is dropped. Search reads the stored column (`projects.search.StoredVector`):
    checking a row against a query no longer parses its text.

    The column is not a model field: no read of the model loads it, and only PostgreSQL has it
    (the embedded default searches by substring). The migration sets `atomic = False`."""

    reversible = True

    def __init__(
        self,
        model_name: str,
        fields: Sequence[tuple[str, str]],
        index_name: str,
        replaces: Any = None,
    ) -> None:
        self.model_name = model_name
        self.fields = tuple(tuple(field) for field in fields)
        self.index_name = index_name
        self.replaces = replaces

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "model_name": self.model_name,
            "fields": self.fields,
            "index_name": self.index_name,
        }
        if self.replaces is not None:
            kwargs["replaces"] = self.replaces
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass  # a database column only: no model field

    def describe(self) -> str:
        return f"Store the search vector of {self.model_name} with its GIN index"

    def _names(self, model: Any, quote_name: Callable[[str], str]) -> dict[str, str]:
        table = model._meta.db_table
        columns = [(model._meta.get_field(name).column, weight) for name, weight in self.fields]
        return {
            "table": quote_name(table),
            "column": quote_name(SEARCH_VECTOR_COLUMN),
            "function": quote_name(f"{table}_search_vector"),
            "trigger": quote_name(f"{table}_search_vector"),
            "index": quote_name(self.index_name),
            "of": ", ".join(quote_name(column) for column, _weight in columns),
            "new": weighted_vector_sql(columns, quote_name, row="NEW."),
            "rows": weighted_vector_sql(columns, quote_name),
        }

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        names = self._names(model, schema_editor.quote_name)
        for statement in (
            "ALTER TABLE {table} ADD COLUMN {column} tsvector NULL",
            "CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN NEW.{column} := {new}; RETURN NEW; END $$",
            "CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE OF {of} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION {function}()",
            "UPDATE {table} SET {column} = {rows}",
            "CREATE INDEX CONCURRENTLY {index} ON {table} USING gin ({column})",
        ):
            schema_editor.execute(statement.format(**names), params=None)
        if self.replaces is not None:
            schema_editor.remove_index(model, self.replaces, concurrently=True)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        names = self._names(model, schema_editor.quote_name)
        if self.replaces is not None:
            schema_editor.add_index(model, self.replaces, concurrently=True)
        for statement in (
            "DROP INDEX CONCURRENTLY IF EXISTS {index}",
            "DROP TRIGGER IF EXISTS {trigger} ON {table}",
            "DROP FUNCTION IF EXISTS {function}()",
            "ALTER TABLE {table} DROP COLUMN IF EXISTS {column}",
        ):
            schema_editor.execute(statement.format(**names), params=None)


def weighted_vector_index(fields: Sequence[tuple[str, str]], name: str) -> Any:
    """The GIN index over the weighted vector expression of `fields` that search read before
    its vectors were stored (what `AddStoredSearchVector(replaces=...)` drops and, reversed,
    builds again)."""
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    vector: Any = None
    for field, weight in fields:
        part = SearchVector(field, config="simple", weight=weight)
        vector = part if vector is None else vector + part
    return GinIndex(vector, name=name)
