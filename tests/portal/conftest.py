"""Makers of items that wait for the client, for the portal's tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client

from feedback.models import TicketKind
from feedback.services.tickets import ticket_raise, ticket_resolve
from projects.models import Visibility
from stakeholders.services.meetings import action_item_create, meeting_create
from stakeholders.services.requirements import requirement_create, requirement_transition
from tests.confidentiality.test_role_table import full_cast  # noqa: F401 (a fixture)
from tests.helpers import logged_in


def clarified_requirement(
    cast: Any, title: str, *, project: Any = None, visibility: str = "client"
):
    """A requirement that waits for the client's confirmation (status clarified)."""
    requirement = requirement_create(
        actor=cast.pm, project=project or cast.project, title=title, visibility=visibility
    )
    requirement_transition(actor=cast.pm, requirement=requirement, to="submit")
    return requirement_transition(actor=cast.pm, requirement=requirement, to="clarify")


def resolved_ticket(cast: Any, title: str, *, raiser: Any = None, project: Any = None):
    """A complaint resolved by the AM, waiting for the client's confirmation."""
    ticket = ticket_raise(
        actor=raiser or cast.rep,
        project=project or cast.project,
        kind=TicketKind.COMPLAINT,
        title=title,
    )
    return ticket_resolve(actor=cast.am, ticket=ticket, resolution="Fixed.")


def open_action_item(cast: Any, text: str, *, owner: Any = None, due: date | None = None):
    meeting = meeting_create(
        actor=cast.pm,
        project=cast.project,
        title="Weekly",
        starts_at=datetime(2026, 11, 2, 10, tzinfo=UTC),
        minutes="",
        minutes_visibility=Visibility.CLIENT,
        visibility=Visibility.CLIENT,
    )
    return action_item_create(
        actor=cast.pm, meeting=meeting, text=text, owner=owner or cast.rep, due_date=due
    )


@pytest.fixture
def rep_client(cast) -> Client:
    return logged_in(cast.rep)
