"""SQL aggregates Django does not ship: the median (PostgreSQL's percentile_cont)."""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, DurationField


class Median(Aggregate):
    """percentile_cont(0.5) WITHIN GROUP (ORDER BY expression): the continuous median of an
    interval (NULLs are ignored). PostgreSQL only; callers fall back on other databases."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(expression, output_field=DurationField(), **extra)
