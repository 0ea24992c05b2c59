"""Small helpers shared by the tests: a signed-in test client, a query count, and the reading
of a list's CSV or Excel export."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def logged_in(user: Any) -> Client:
    """A test client signed in as `user` (no second factor asked)."""
    client = Client()
    client.force_login(user)
    return client


def count_queries(client: Client, url: str, *, warm: bool = True) -> int:
    """The number of database queries one GET of `url` makes; the page must answer 200. A first
    GET, not counted, fills the session and the per-user caches (a person's second factor), so
    that two counts compare the page's own reads (`warm=False` counts the first GET)."""
    if warm:
        client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def assert_queries_constant(client: Client, url: str, add_rows: Any) -> None:
    """One GET of `url` costs as many queries with a few rows as with more: `add_rows(count)`
    adds `count` more between the two counts."""
    add_rows(2)
    few = count_queries(client, url, warm=True)
    add_rows(6)
    many = count_queries(client, url, warm=True)
    assert few == many, f"{url}: {few} queries with fewer rows, {many} with more"


def export_rows(response: Any) -> list[list[str]]:
    """A CSV export's lines, its header first (the file opens with a byte order mark)."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def export_sheet(response: Any) -> Any:
    """An Excel export's one sheet."""
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]


def export_text(response: Any) -> str:
    """Every cell of a CSV or Excel export as one text, to look for what it must not hold."""
    if response["Content-Type"].startswith("text/csv"):
        return "\n".join(",".join(row) for row in export_rows(response))
    sheet = export_sheet(response)
    return "\n".join(
        str(value) for row in sheet.iter_rows(values_only=True) for value in row if value
    )


def statement_sql(sql: str) -> str:
    """The SQL a captured query ran: a prepared statement's own for an EXECUTE of one
    (common.compiled prepares its reads on PostgreSQL), the query itself otherwise."""
    if not sql.startswith("EXECUTE "):
        return sql
    name = sql.split()[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [name])
        row = cursor.fetchone()
    assert row is not None, f"no statement {name} is prepared on this connection"
    return str(row[0]).removeprefix(f"PREPARE {name} AS ")
