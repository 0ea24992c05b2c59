"""SQL aggregates Django does not ship: the median (PostgreSQL's percentile_cont, SQLite's
RAPPORT_MEDIAN: common.database)."""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, DurationField

from common.database import SQLITE_MEDIAN


class Median(Aggregate):
    """percentile_cont(0.5) WITHIN GROUP (ORDER BY expression): the continuous median of an
    interval (NULLs are ignored). On SQLite the same median by common.database's aggregate
    (an interval there is a number of microseconds)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(expression, output_field=DurationField(), **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            function=SQLITE_MEDIAN,
            template="%(function)s(%(distinct)s%(expressions)s)",
            **extra_context,
        )
