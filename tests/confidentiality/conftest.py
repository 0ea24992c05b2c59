"""The canary world, built once for each module that reads it, and the canary suite's closing
figures (test_canaries.py), printed after the run."""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings

from tests.confidentiality import canaries as c
from tests.confidentiality.canaries import TALLY
from tests.confidentiality.canary_world import NOW, World, after_fill, build_world
from tests.confidentiality.role_table import PAGES


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not TALLY.seeded:
        return
    seeded, reads, cases, surfaces = TALLY.seeded, TALLY.reads, TALLY.cases, TALLY.surfaces
    found = sorted({item for finding in TALLY.findings for item in finding.found})
    write = terminalreporter.write_line
    write(
        f"canary suite: seeded {seeded['canaries']} canaries and {seeded['figures']} figures "
        f"into {seeded['fields']} fields of {seeded['rows']} rows of {seeded['models']} models "
        f"in {seeded['seconds']} s; read as {seeded['roles']} client roles:"
    )
    write(
        f"  API: {len(surfaces['api'])} GET operations, {cases['api']} operation x role cases, "
        f"{reads['api']} calls (every seeded object, every filter value)"
    )
    write(
        f"  pages: {len(surfaces['page'])} routes, {cases['page']} cases, {reads['page']} reads;"
        f" exports: {len(surfaces['export'])} routes, {cases['export']} cases, "
        f"{reads['export']} reads"
    )
    write(
        f"  e-mails: {reads['e-mail']} to client people, kinds {sorted(TALLY.email_kinds)}; "
        f"in-app notifications: {reads['notification']}; status report: {reads['report']} forms;"
        f" searches: {reads['search']}; calendar feeds: {reads['calendar feed']}"
    )
    write(f"  canaries found: {len(found)}")
    for finding in TALLY.findings:
        write(f"    {finding.role} on {finding.surface}: {', '.join(finding.found)}")


# --- The world, built once for each module that reads it ----------------------------------------


@pytest.fixture(scope="module")
def canary_documents(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("canary-documents"))


@pytest.fixture
def documents_root(settings, canary_documents):
    """The world's documents stay where the module's seed stored them."""
    settings.DOCUMENTS_ROOT = canary_documents
    return canary_documents


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, canary_documents) -> Iterator[World]:
    """Built in one transaction rolled back after the module, with the clock at NOW."""
    started = time.monotonic()
    with (
        django_db_blocker.unblock(),
        override_settings(DOCUMENTS_ROOT=canary_documents),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        built = build_world()
        found = c.fill_canaries(built.marked_internal)
        after_fill(built, lambda label, name: found.mint(label, name))
        # What those steps wrote that is internal (a delivery log) gets its canaries too.
        c.fill_canaries(built.marked_internal, found)
        built.items["canaries"] = found
        built.items["seconds"] = round(time.monotonic() - started, 1)
        yield built
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def values(world) -> c.ParameterValues:
    def role_table_kwargs(route: str, params: list[str]) -> dict[str, Any] | None:
        """Parameters that name no object (a password reset key): the role table's."""
        entry = PAGES.get(route)
        if entry is None:
            return None
        try:
            kwargs = entry.kwargs(SimpleNamespace(project=world.project, **world.items))
        except AttributeError:
            return None
        return kwargs if set(kwargs) == set(params) else None

    return c.ParameterValues(
        project=world.project, tokens=world.items["tokens"], fallback=role_table_kwargs
    )
