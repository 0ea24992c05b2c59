"""Small helpers shared by the tests: a signed-in test client and a query count."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def logged_in(user: Any) -> Client:
    """A test client signed in as `user` (no second factor asked)."""
    client = Client()
    client.force_login(user)
    return client


def count_queries(client: Client, url: str, *, warm: bool = False) -> int:
    """The number of database queries one GET of `url` makes; the page must answer 200. With
    `warm`, a first GET fills the session and the per-user caches and is not counted."""
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
