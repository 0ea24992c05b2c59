"""Feedback tickets join the search, with the same scoping; their search reads the GIN index."""

from __future__ import annotations

import pytest
from django.db import connection

from projects import search
from tests.feedback.tickets.helpers import a_complaint, an_internal_complaint

pytestmark = pytest.mark.django_db


def _titles(user, text, side="staff"):
    groups = search.search_grouped(user=user, text=text, side=side, kinds=["feedback_ticket"])
    return sorted(hit.title for group in groups for hit in group.hits)


def test_clients_find_their_visible_tickets_only(cast):
    a_complaint(cast.rep, cast.project, title="Zephyr labels smudge")
    an_internal_complaint(cast.pm, cast.project, description="zephyr internal gossip")
    a_complaint(cast.other_client_rep, cast.other_project, title="Zephyr in B")
    assert _titles(cast.rep, "zephyr", "portal") == ["Zephyr labels smudge"]
    assert _titles(cast.pm, "zephyr") == [
        "Warehouse lead grumbled on the phone",
        "Zephyr labels smudge",
    ]
    assert _titles(cast.other_client_rep, "zephyr", "portal") == ["Zephyr in B"]


def test_hits_link_to_the_readers_side(cast):
    ticket = a_complaint(cast.rep, cast.project, title="Zephyr labels smudge")
    groups = search.search_grouped(
        user=cast.rep, text="zephyr", side="portal", kinds=["feedback_ticket"]
    )
    assert groups[0].hits[0].url == f"/portal/projects/{cast.project.pk}/feedback/{ticket.pk}/"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL only")
def test_the_ticket_search_uses_its_gin_index(cast):
    a_complaint(cast.rep, cast.project, title="Zephyr labels smudge")
    items = search.search_queryset(
        search.searchable_get("feedback_ticket"), user=cast.staff_admin, text="zephyr"
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = items.explain()
    assert "feedback_ticket_search_vector_gin" in plan
