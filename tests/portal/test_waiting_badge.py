"""The navigation's "waiting for you" number (portal.badge): cached per person and day, read
afresh after any write to a table its query reads, and right on every page after each change."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import badge
from portal.decisions import waiting_count_for
from stakeholders.models import Requirement
from tests.portal.conftest import clarified_requirement, resolved_ticket

pytestmark = pytest.mark.django_db

TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"')


def _badge(client, url: str) -> str:
    page = client.get(url).content.decode()
    found = re.search(r'data-testid="waiting-badge" data-waiting-count="(\d+)"', page)
    assert found, "the page shows no badge"
    return found.group(1)


def test_every_table_the_count_reads_is_watched(cast):
    with CaptureQueriesContext(connection) as context:
        waiting_count_for(user=cast.rep)
    tables = {table for query in context.captured_queries for table in TABLE.findall(query["sql"])}
    models = {model._meta.db_table: model._meta.label for model in apps.get_models()}

    assert tables, "the count read nothing: the check would prove nothing"
    assert sorted(models[table] for table in tables) == sorted(badge.WATCHED)


def test_the_count_is_read_once_then_from_the_cache(cast, django_assert_num_queries):
    clarified_requirement(cast, "Scan barcodes")
    assert badge.cached_waiting_count(cast.rep) == 1
    with django_assert_num_queries(0):
        assert badge.cached_waiting_count(cast.rep) == 1


def test_a_change_to_what_waits_counts_on_the_next_page(cast, rep_client):
    url = reverse("portal:project", kwargs={"project_id": cast.project.pk})
    assert _badge(rep_client, url) == "0"

    requirement = clarified_requirement(cast, "Scan barcodes")
    assert _badge(rep_client, url) == "1"
    resolved_ticket(cast, "Slow search")
    assert _badge(rep_client, url) == "2"

    rep_client.post(
        reverse(
            "portal:decision_act",
            kwargs={
                "project_id": cast.project.pk,
                "kind": "requirement",
                "item_id": requirement.pk,
            },
        )
    )
    assert Requirement.objects.get(pk=requirement.pk).status != requirement.status
    assert _badge(rep_client, url) == "1"
    # Somebody else's count is theirs: the viewer decides nothing.
    assert badge.cached_waiting_count(cast.viewer) == 0


def test_a_new_day_reads_the_count_afresh(cast):
    with time_machine.travel("2030-01-07 09:00 +0000", tick=False) as traveller:
        assert badge.cached_waiting_count(cast.rep) == 0
        # A row changed without a signal (an update of the query set): the day after, it counts.
        clarified_requirement(cast, "Scan barcodes")
        badge.cache.set(badge._key(cast.rep.pk, badge.cache.get(badge.GENERATION_KEY)), 0)
        assert badge.cached_waiting_count(cast.rep) == 0
        traveller.shift(24 * 3600)
        assert badge.cached_waiting_count(cast.rep) == 1
