"""What a page costs in database queries: at most eight, and as many with twice the data.

Every page the role table opens to somebody is read in the canary world (every kind of item,
client-visible and internal, made through the services) by every role it opens to. Each read is
made twice and the second is counted: the first fills the session and the per-user caches. Then
every step that built the world is taken again, which doubles each kind of row in the project,
and each page must cost what it cost before.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.confidentiality import canaries as c
from tests.confidentiality import query_costs as q
from tests.confidentiality.query_costs import READERS
from tests.confidentiality.role_table import PAGES
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

# Pages that answer with something other than a page (a file, a redirect to one) or whose cost
# is bound by something other than a page's reads, each with its reason.
NOT_A_PAGE: dict[str, str] = {}

PAGE_ROUTES = c.page_routes()

# The pages that still cost more than eight queries, each with what it costs now. The list only
# shrinks: a page that gets cheaper must lower its figure here (the test fails until it does),
# and a page not listed may cost at most eight.
QUERY_BUDGETS: dict[str, int] = {
    "integrations:archive_export": 40,
}

# Pages whose cost still moves with the data, each with what moves. Strict: an entry whose page
# became constant fails until it is removed.
GROWS_WITH_DATA: dict[str, str] = {}


def _routes() -> list[str]:
    return sorted(
        name
        for name in PAGE_ROUTES
        if name in PAGES
        and name not in NOT_A_PAGE
        and any(PAGES[name].expect.get(role) == 200 for role in READERS)
    )


def _measure(values: c.ParameterValues, clients: dict[str, Client], cast: Any) -> q.Costs:
    costs: q.Costs = {}
    for name in _routes():
        combos, unknown = values.kwargs_for(name, c.route_parameters(PAGE_ROUTES[name]))
        if unknown:
            # A page no client reads (the canaries fill what clients read): the role table's.
            combos = [PAGES[name].kwargs(cast)]
        for role in READERS:
            if PAGES[name].expect.get(role) != 200:
                continue
            for kwargs in combos:
                url = reverse(name, kwargs=kwargs)
                if clients[role].get(url).status_code != 200:
                    continue
                costs.setdefault(name, {})[role] = count_queries(clients[role], url)
                break
    return costs


@pytest.fixture(scope="module")
def costs(world, values, django_db_blocker) -> dict[str, q.Costs]:
    """The queries of each page for each reader, with the world as built and grown."""
    with q.readers(world, django_db_blocker, "staff@provider.test") as read:
        return q.built_and_grown(world, lambda: _measure(values, read.clients, read.cast))


@pytest.mark.parametrize("name", [q.case(name, GROWS_WITH_DATA) for name in _routes()])
def test_page_costs_at_most_eight_queries_whatever_the_data(costs, name):
    q.assert_cost(costs, name, QUERY_BUDGETS)


def test_every_budget_names_a_page_read_here():
    q.assert_budgets_name(QUERY_BUDGETS, _routes())
