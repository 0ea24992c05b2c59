"""What an API read costs in database queries: at most eight, and as many with twice the data.

Every GET operation of the API schema that the role table opens to somebody is read in the
canary world (every kind of item, client-visible and internal, made through the services) by
every role it opens to: a list, or one object of it. Each read is made twice and the second is
counted: the first fills the session and the per-user caches. Then every step that built the
world is taken again, which doubles each kind of row in the project, and each read must cost
what it cost before. A list that fits on its first page is counted by its rows, one query fewer
than a longer one (common.api.DeferredJoinPaginator): here every list is counted, so that a list
costs the same whether the world's rows fill its first page or not.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from common.api import DeferredJoinPaginator
from tests.confidentiality import canaries as c
from tests.confidentiality import query_costs as q
from tests.confidentiality.query_costs import READERS
from tests.confidentiality.role_table import API
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

API_OPERATIONS = c.api_get_operations()

# Reads that still cost more than eight queries, each with what it costs now. The list only
# shrinks: a read that gets cheaper must lower its figure here (the test fails until it does).
QUERY_BUDGETS: dict[str, int] = {
    # A JSON file of the whole project, a query per kind of record (as its page's export).
    "/api/v1/projects/{project_pk}/archive/": 40,
}

# Reads whose cost still moves with the data, each with what moves. Strict: an entry whose read
# became constant fails until it is removed.
GROWS_WITH_DATA: dict[str, str] = {}


def _operations() -> list[str]:
    return sorted(
        path
        for path in API_OPERATIONS
        if API.get(("GET", path)) is not None
        and any(API[("GET", path)].expect.get(role) == 200 for role in READERS)
    )


def _urls(path: str, values: c.ParameterValues, cast: Any) -> list[str]:
    operation = API_OPERATIONS[path]
    urls, unknown = c.api_operation_urls(operation, values)
    bases = [url for url in urls if "?" not in url]
    if unknown or not bases:
        kwargs = API[("GET", path)].kwargs(cast)
        bases = [re.sub(r"\{(\w+)\}", lambda m: str(kwargs.get(m.group(1), "")), path)]
    return bases


def _measure(values: c.ParameterValues, clients: dict[str, Client], cast: Any) -> q.Costs:
    costs: q.Costs = {}
    for path in _operations():
        urls = _urls(path, values, cast)
        for role in READERS:
            if API[("GET", path)].expect.get(role) != 200:
                continue
            for url in urls:
                if clients[role].get(url).status_code != 200:
                    continue
                costs.setdefault(path, {})[role] = count_queries(clients[role], url)
                break
    return costs


@pytest.fixture(scope="module")
def costs(world, values, django_db_blocker) -> dict[str, q.Costs]:
    """The queries of each read for each reader, with the world as built and grown; every list
    counted."""
    with q.readers(world, django_db_blocker, "api-staff@provider.test") as read:
        read.patch.setattr(DeferredJoinPaginator, "_first_page", lambda self, number: None)
        return q.built_and_grown(world, lambda: _measure(values, read.clients, read.cast))


@pytest.mark.parametrize("path", [q.case(path, GROWS_WITH_DATA) for path in _operations()])
def test_an_api_read_costs_at_most_eight_queries_whatever_the_data(costs, path):
    q.assert_cost(costs, path, QUERY_BUDGETS)


def test_every_budget_names_a_read_made_here():
    q.assert_budgets_name(QUERY_BUDGETS, _operations())
