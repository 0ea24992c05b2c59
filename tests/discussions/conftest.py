"""The deliverable the discussion tests talk about, and the real SMTP server of
tests/notifications for the e-mails of discussions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from projects.services.deliverables import deliverable_create
from projects.services.milestones import milestone_create
from tests.notifications.conftest import smtp_server  # noqa: F401


@pytest.fixture
def deliverable(cast):
    """A client-visible deliverable of the cast's project, owned by the teammate; due in two
    months whatever the day."""
    milestone = milestone_create(
        actor=cast.pm,
        project=cast.project,
        name="Go-live",
        due_date=timezone.localdate() + timedelta(days=60),
    )
    return deliverable_create(
        actor=cast.pm,
        milestone=milestone,
        name="Runbook",
        criteria=["Reviewed by ops"],
        owner=cast.teammate,
    )
