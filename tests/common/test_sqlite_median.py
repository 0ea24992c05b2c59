"""The median on the embedded SQLite default (common.database's RAPPORT_MEDIAN) is PostgreSQL's
percentile_cont(0.5): the middle value, the mean of the middle two, NULLs ignored, NULL for no
value. The same sets are asked of the database the suite runs on."""

from __future__ import annotations

import pytest
from django.db import connection

from common.database import SQLITE_MEDIAN

SETS = [
    ([7], 7),
    ([3, 1, 2], 2),
    ([10, 1, 4, 2], 3),
    ([1, 2], 1.5),
    ([5, None, 1, None, 3], 3),
    ([None], None),
    ([], None),
]


def _median_sql(values: list[int | None]) -> tuple[str, list[int | None]]:
    function = (
        f"{SQLITE_MEDIAN}(v)"
        if connection.vendor == "sqlite"
        else "percentile_cont(0.5) WITHIN GROUP (ORDER BY v)"
    )
    if not values:
        return f"SELECT {function} FROM (SELECT 1 AS v) AS t WHERE 1 = 0", []  # noqa: S608
    rows = " UNION ALL ".join("SELECT CAST(%s AS INTEGER) AS v" for _ in values)
    return f"SELECT {function} FROM ({rows}) AS t", values  # noqa: S608  (no value in it)


@pytest.mark.django_db
@pytest.mark.parametrize(("values", "expected"), SETS)
def test_the_median_is_percentile_cont(values, expected):
    sql, params = _median_sql(values)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (found,) = cursor.fetchone()
    assert (None if found is None else float(found)) == expected
