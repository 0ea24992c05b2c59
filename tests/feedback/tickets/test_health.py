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


def test_the_portfolios_read_brings_the_count_and_another_day_counts_again(
    cast, django_assert_num_queries
):
    """Read with the portfolio's columns (the overview, the portfolio), the count costs the
    signal no query and is what its own read gives; a project read on another day is counted
    again."""
    from feedback.registry import complaints_breaching_sla
    from projects.models import Project
    from projects.selectors.portfolio import annotate_portfolio

    a_complaint(cast.rep, cast.project, now=timezone.now() - timedelta(days=14))
    a_complaint(cast.rep, cast.project, now=timezone.now() - timedelta(days=14))
    a_complaint(cast.rep, cast.project, now=timezone.now())
    today = timezone.localdate()
    projects = Project.objects.filter(pk__in=[cast.project.pk, cast.other_project.pk])
    read = list(annotate_portfolio(projects, today=today))
    assert {project.pk: project.complaints_breaching for project in read} == {
        cast.project.pk: 2,
        cast.other_project.pk: 0,
    }
    with django_assert_num_queries(0):
        annotated = complaints_breaching_sla(read, today=today)
    alone = complaints_breaching_sla(list(projects), today=today)
    assert {pk: [f.status for f in found] for pk, found in annotated.items()} == {
        pk: [f.status for f in found] for pk, found in alone.items()
    }
    assert [str(f.reason) for f in annotated[cast.project.pk]] == [
        "2 open complaints are past their SLA"
    ]
    with django_assert_num_queries(1):
        complaints_breaching_sla(read, today=today - timedelta(days=30))
