"""What the query-count suites share (test_page_queries, test_api_queries): the readers signed
in to the canary world, the world read as built and as grown, and the check of one read's cost."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.test import Client

import accounts.branding
import accounts.middleware
import notifications.badge
from tests.confidentiality import canary_world
from tests.confidentiality.canary_world import NOW, World
from tests.factories import UserFactory, enrol_totp, provider_organization

QUERY_LIMIT = 8
READERS = ("pm", "am", "teammate", "staff_admin", "client_admin", "rep", "viewer")

Costs = dict[str, dict[str, int]]  # what is read → reader → queries


@contextmanager
def readers(world: World, django_db_blocker: Any, staff_email: str) -> Iterator[Any]:
    """A client signed in for each reader (a staff admin among them, `staff_email`), and the
    cast of the world, with the clock at NOW and the per-person caches outlasting the run."""
    from allauth.mfa.models import Authenticator

    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        pytest.MonkeyPatch.context() as patch,
    ):
        # The per-person caches expire in Redis's real time, not the frozen clock's: over the
        # minutes this takes, an entry that expired between a read's warm call and its counted
        # one would add a query to whichever read was being made then. They outlast the run.
        patch.setattr(accounts.middleware, "MFA_CACHE_SECONDS", 6 * 3600)
        patch.setattr(notifications.badge, "BADGE_SECONDS", 6 * 3600)
        patch.setattr(accounts.branding, "BRAND_CACHE_SECONDS", 6 * 3600)
        people = dict(world.people)
        people["staff_admin"] = UserFactory(
            email=staff_email,
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
        yield SimpleNamespace(clients=clients, cast=cast, patch=patch)


def built_and_grown(world: World, measure: Callable[[], Costs]) -> dict[str, Costs]:
    """`measure()` with the world as built, then after every step that built it was taken
    again (each kind of row in the project doubled)."""
    before = measure()
    for step in canary_world.GROWTH_STEPS:
        step(world)
    return {"before": before, "after": measure()}


def case(name: str, grows_with_data: dict[str, str]) -> Any:
    marks = []
    if name in grows_with_data:
        marks.append(pytest.mark.xfail(strict=True, reason=grows_with_data[name]))
    return pytest.param(name, id=name, marks=marks)


def assert_cost(costs: dict[str, Costs], name: str, budgets: dict[str, int]) -> None:
    """`name` cost as many queries with the world grown as built, and at most its budget (the
    limit unless listed), exactly its budget where listed: a budget only shrinks."""
    before, after = costs["before"].get(name), costs["after"].get(name)
    assert before, f"{name}: no reader could read it"
    assert after == before, f"{name}: {before} queries, {after} with twice the data"
    budget = budgets.get(name, QUERY_LIMIT)
    most = max(before.values())
    assert most <= budget, f"{name}: {most} queries (the most of {before}), budget {budget}"
    if name in budgets:
        assert most == budget, f"{name}: {most} queries now; lower its budget to {most}"


def assert_budgets_name(budgets: dict[str, int], read_here: list[str]) -> None:
    assert sorted(set(budgets) - set(read_here)) == []
    assert all(budget > QUERY_LIMIT for budget in budgets.values())
