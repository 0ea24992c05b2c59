"""Open complaints past their SLA count in the project's health, for the team only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from projects.health import project_health
from tests.feedback.tickets.helpers import a_complaint

pytestmark = pytest.mark.django_db


def test_a_breaching_complaint_turns_the_project_amber_for_the_team_only(cast):
    a_complaint(cast.rep, cast.project, now=timezone.now() - timedelta(days=14))
    health = project_health(cast.project, today=timezone.localdate())
    assert (health.status, [f.reason for f in health.reasons]) == (
        "amber",
        ["1 open complaint is past its SLA"],
    )
    assert health.client_reasons == []
    assert health.client_status == "green"


def test_two_make_it_red_and_a_fresh_one_counts_nothing(cast):
    a_complaint(cast.rep, cast.project, now=timezone.now() - timedelta(days=14))
    a_complaint(cast.rep, cast.project, now=timezone.now() - timedelta(days=14))
    assert project_health(cast.project, today=timezone.localdate()).status == "red"
    assert project_health(cast.other_project, today=timezone.localdate()).status == "green"
