"""What a page costs in database queries: at most eight, and as many with twice the data.

Every page the role table opens to somebody is read in the canary world (every kind of item,
client-visible and internal, made through the services) by every role it opens to. Each read is
made twice and the second is counted: the first fills the session and the per-user caches. Then
every step that built the world is taken again, which doubles each kind of row in the project,
and each page must cost what it cost before.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

import accounts.branding
import accounts.middleware
import notifications.badge
from tests.confidentiality import canaries as c
from tests.confidentiality import canary_world
from tests.confidentiality.canary_world import NOW, World
from tests.confidentiality.role_table import PAGES
from tests.factories import UserFactory, enrol_totp, provider_organization
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

QUERY_LIMIT = 8
READERS = ("pm", "am", "teammate", "staff_admin", "client_admin", "rep", "viewer")

# Pages that answer with something other than a page (a file, a redirect to one) or whose cost
# is bound by something other than a page's reads, each with its reason.
NOT_A_PAGE: dict[str, str] = {}

PAGE_ROUTES = c.page_routes()

# The pages that still cost more than QUERY_LIMIT, each with what it costs now. The list only
# shrinks: a page that gets cheaper must lower its figure here (the test fails until it does),
# and a page not listed may cost at most QUERY_LIMIT.
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


def _grow(world: World) -> None:
    """Every step that built the world, taken again on the same project."""
    for step in canary_world.GROWTH_STEPS:
        step(world)


def _measure(world: World, values: c.ParameterValues, clients: dict[str, Client], cast) -> dict:
    costs: dict[str, dict[str, int]] = {}
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
def costs(world, values, django_db_blocker) -> dict[str, Any]:
    """The queries of each page for each reader, with the world as built and grown."""
    from allauth.mfa.models import Authenticator

    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        pytest.MonkeyPatch.context() as patch,
    ):
        # The per-person caches expire in Redis's real time, not the frozen clock's: over the
        # minutes this takes, an entry that expired between a page's warm read and its counted
        # one would add a query to whichever page was being read then. They outlast the run.
        patch.setattr(accounts.middleware, "MFA_CACHE_SECONDS", 6 * 3600)
        patch.setattr(notifications.badge, "BADGE_SECONDS", 6 * 3600)
        patch.setattr(accounts.branding, "BRAND_CACHE_SECONDS", 6 * 3600)
        people = dict(world.people)
        people["staff_admin"] = UserFactory(
            email="staff@provider.test",
            display_name="Sal Staff",
            organization=provider_organization(),
            is_staff=True,
            is_superuser=True,
        )
        for name in ("pm", "am", "teammate", "staff_admin"):
            if not Authenticator.objects.filter(user=people[name]).exists():
                enrol_totp(people[name])
        clients = {}
        for name in READERS:
            clients[name] = Client()
            clients[name].force_login(people[name])
        cast = SimpleNamespace(project=world.project, **people, **world.items)
        before = _measure(world, values, clients, cast)
        _grow(world)
        after = _measure(world, values, clients, cast)

    return {"before": before, "after": after}


def _case(name: str) -> Any:
    marks = []
    if name in GROWS_WITH_DATA:
        marks.append(pytest.mark.xfail(strict=True, reason=GROWS_WITH_DATA[name]))
    return pytest.param(name, id=name, marks=marks)


@pytest.mark.parametrize("name", [_case(name) for name in _routes()])
def test_page_costs_at_most_eight_queries_whatever_the_data(costs, name):
    before, after = costs["before"].get(name), costs["after"].get(name)
    assert before, f"{name}: no reader could open it"
    assert after == before, f"{name}: {before} queries, {after} with twice the data"
    budget = QUERY_BUDGETS.get(name, QUERY_LIMIT)
    most = max(before.values())
    assert most <= budget, f"{name}: {most} queries (the most of {before}), budget {budget}"
    if name in QUERY_BUDGETS:
        assert most == budget, f"{name}: {most} queries now; lower QUERY_BUDGETS to {most}"


def test_every_budget_names_a_page_read_here():
    assert sorted(set(QUERY_BUDGETS) - set(_routes())) == []
    assert all(budget > QUERY_LIMIT for budget in QUERY_BUDGETS.values())
