"""The demo shows complaints in every state, some past their SLA, interactions and
opportunities; seeding twice adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from feedback.models import FeedbackTicket, Interaction, Opportunity, TicketKind, TicketStatus
from feedback.selectors.complaints import breaching_condition

pytestmark = pytest.mark.django_db


def test_seed_demo_covers_every_state_and_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    complaints = FeedbackTicket.objects.filter(kind=TicketKind.COMPLAINT)
    states = set(complaints.values_list("status", flat=True))
    assert states >= set(TicketStatus.values)
    assert complaints.filter(breaching_condition(timezone.now())).count() >= 2
    assert Interaction.objects.filter(reminder_on__isnull=False).exists()
    assert Opportunity.objects.count() >= 3
    counts = (
        FeedbackTicket.objects.count(),
        Interaction.objects.count(),
        Opportunity.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        FeedbackTicket.objects.count(),
        Interaction.objects.count(),
        Opportunity.objects.count(),
    ) == counts
