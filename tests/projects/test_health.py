"""A project's health (projects.health): each rule with a fixed day, the pluggable signals, the
PM's override and its expiry, and who may set it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from common.errors import InvalidInput, NotAllowed
from projects.health import (
    Audience,
    HealthFinding,
    project_health,
    project_health_many,
    register_health_signal,
    unregister_health_signal,
)
from projects.models import HealthStatus, Milestone, Project, Visibility
from projects.services import project_health_override, project_health_override_clear
from projects.services.milestones import milestone_create
from tests.factories import ProjectFactory

TODAY = date(2026, 11, 23)
NOT_PM = ["am", "teammate", "client_admin", "rep", "viewer", "other_client_rep", "outsider"]


def plan(project: Project, *, start: date, baseline_end: date, end: date) -> Project:
    project.baseline_start_date = project.start_date = start
    project.baseline_end_date = baseline_end
    project.end_date = end
    project.save()
    return project


def milestone(pm, project, due: date, *, status=Milestone.Status.PLANNED, visibility="client"):
    created = milestone_create(
        actor=pm, project=project, name=f"M {due}", due_date=due, visibility=visibility
    )
    Milestone.objects.filter(pk=created.pk).update(status=status)
    return created


def statuses(health) -> list[tuple[str, str]]:
    return [(finding.status, finding.reason) for finding in health.reasons]


# --- Rules ------------------------------------------------------------------------------------


def test_project_without_dates_or_milestones_is_green(cast):
    health = project_health(cast.project, today=TODAY)
    assert (health.status, health.reasons, health.override) == ("green", [], None)
    assert health.reason_text == "No problem found."


@pytest.mark.parametrize(
    ("late_days", "expected"),
    [
        (0, []),
        (5, []),  # 5 % of 100 days: not more than 5 %
        (6, [("amber", "The end is 6 days later than the baseline (6 % of its duration).")]),
        (15, [("amber", "The end is 15 days later than the baseline (15 % of its duration).")]),
        (16, [("red", "The end is 16 days later than the baseline (16 % of its duration).")]),
        (-10, []),  # earlier than planned
    ],
)
def test_schedule_slippage_against_the_baseline(cast, late_days, expected):
    start = date(2026, 1, 1)
    plan(
        cast.project,
        start=start,
        baseline_end=start + timedelta(days=100),
        end=start + timedelta(days=100 + late_days),
    )
    health = project_health(cast.project, today=TODAY)
    assert statuses(health) == expected
    assert health.status == (expected[0][0] if expected else "green")


def test_one_day_of_slippage_says_day(cast):
    start = date(2026, 1, 1)
    plan(
        cast.project,
        start=start,
        baseline_end=start + timedelta(days=10),
        end=start + timedelta(days=11),
    )
    assert statuses(project_health(cast.project, today=TODAY)) == [
        ("amber", "The end is 1 day later than the baseline (10 % of its duration).")
    ]


def test_one_overdue_milestone_is_amber(cast):
    milestone(cast.pm, cast.project, TODAY - timedelta(days=1))
    milestone(cast.pm, cast.project, TODAY)  # due today: not overdue yet
    milestone(cast.pm, cast.project, TODAY - timedelta(days=9), status=Milestone.Status.COMPLETED)
    health = project_health(cast.project, today=TODAY)
    assert statuses(health) == [("amber", "1 milestone is overdue.")]
    assert health.status == "amber"


def test_two_overdue_milestones_are_red(cast):
    milestone(cast.pm, cast.project, TODAY - timedelta(days=1))
    milestone(
        cast.pm, cast.project, TODAY - timedelta(days=30), status=Milestone.Status.IN_PROGRESS
    )
    health = project_health(cast.project, today=TODAY)
    assert statuses(health) == [("red", "2 milestones are overdue.")]
    assert health.client_status == "red"
    assert health.client_label == "Off track"


def test_worst_rule_wins_and_all_reasons_are_listed(cast):
    start = date(2026, 1, 1)
    plan(
        cast.project,
        start=start,
        baseline_end=start + timedelta(days=100),
        end=start + timedelta(days=120),
    )
    milestone(cast.pm, cast.project, TODAY - timedelta(days=1))
    health = project_health(cast.project, today=TODAY)
    assert health.status == "red"
    assert [finding.status for finding in health.reasons] == ["red", "amber"]


def test_internal_overdue_milestones_do_not_reach_the_client(cast):
    milestone(cast.pm, cast.project, TODAY - timedelta(days=1), visibility=Visibility.INTERNAL)
    milestone(cast.pm, cast.project, TODAY - timedelta(days=2))
    health = project_health(cast.project, today=TODAY)
    assert statuses(health) == [("red", "2 milestones are overdue.")]
    assert [(f.status, f.reason) for f in health.client_reasons] == [
        ("amber", "1 milestone is overdue.")
    ]
    assert (health.client_status, health.client_label) == ("amber", "At risk")


def test_a_registered_signal_adds_its_findings_with_one_call_for_all_projects(cast):
    other = ProjectFactory(client=cast.project.client)
    calls = []

    def critical_risks(projects, *, today):
        calls.append((sorted(p.pk for p in projects), today))
        return {
            cast.project.pk: [
                HealthFinding(HealthStatus.RED, "1 open critical risk.", Audience.STAFF)
            ]
        }

    register_health_signal(critical_risks)
    register_health_signal(critical_risks)  # twice has no effect
    try:
        healths = project_health_many([cast.project, other], today=TODAY)
    finally:
        unregister_health_signal(critical_risks)
    assert calls == [(sorted([cast.project.pk, other.pk]), TODAY)]
    assert statuses(healths[cast.project.pk]) == [("red", "1 open critical risk.")]
    assert healths[cast.project.pk].client_reasons == []  # staff-only finding
    assert healths[cast.project.pk].client_status == "green"
    assert healths[other.pk].status == "green"


def test_health_of_many_projects_costs_a_fixed_number_of_queries(cast, django_assert_num_queries):
    projects = [ProjectFactory(client=cast.project.client) for _ in range(6)]
    for project in projects[:3]:
        Milestone.objects.create(project=project, name="Late", due_date=TODAY - timedelta(days=1))
    # The overdue counts of all of them, grouped; the risk register's and the open complaints'
    # signals, grouped.
    with django_assert_num_queries(3):
        healths = project_health_many(projects, today=TODAY)
    assert [healths[project.pk].status for project in projects] == ["amber"] * 3 + ["green"] * 3


# --- Override ---------------------------------------------------------------------------------


def test_pm_overrides_with_a_reason_until_a_day(cast):
    milestone(cast.pm, cast.project, TODAY - timedelta(days=1))
    milestone(cast.pm, cast.project, TODAY - timedelta(days=2))
    project_health_override(
        actor=cast.pm,
        project=cast.project,
        status="amber",
        reason=" Slip agreed with the client. ",
        today=TODAY,
    )
    cast.project.refresh_from_db()
    assert (
        cast.project.health_override,
        cast.project.health_override_reason,
        cast.project.health_override_by,
        cast.project.health_override_until,
    ) == ("amber", "Slip agreed with the client.", cast.pm, TODAY + timedelta(days=14))
    health = project_health(cast.project, today=TODAY)
    assert (health.status, health.computed_status) == ("amber", "red")
    assert health.override.reason == "Slip agreed with the client."
    assert health.override.by == cast.pm
    assert statuses(health) == [("red", "2 milestones are overdue.")]  # still shown
    assert health.client_status == "amber"  # the PM's assessment is the project's


def test_override_expires_after_its_day(cast):
    milestone(cast.pm, cast.project, TODAY - timedelta(days=40))
    project_health_override(
        actor=cast.pm,
        project=cast.project,
        status="green",
        reason="Waiting for the client's data.",
        until=TODAY + timedelta(days=3),
        today=TODAY,
    )
    cast.project.refresh_from_db()
    assert project_health(cast.project, today=TODAY + timedelta(days=3)).status == "green"
    expired = project_health(cast.project, today=TODAY + timedelta(days=4))
    assert (expired.status, expired.override) == ("amber", None)


def test_override_cleared_shows_the_computed_health(cast):
    project_health_override(
        actor=cast.pm, project=cast.project, status="red", reason="x", today=TODAY
    )
    project_health_override_clear(actor=cast.pm, project=cast.project)
    cast.project.refresh_from_db()
    assert (cast.project.health_override, cast.project.health_override_by) == ("", None)
    assert project_health(cast.project, today=TODAY).status == "green"


@pytest.mark.parametrize(
    ("status", "reason", "until", "field"),
    [
        ("purple", "why", None, "status"),
        ("red", "  ", None, "reason"),
        ("red", "why", TODAY - timedelta(days=1), "until"),
        ("red", "why", TODAY + timedelta(days=91), "until"),
    ],
)
def test_override_with_bad_input_changes_nothing(cast, status, reason, until, field):
    with pytest.raises(InvalidInput) as error:
        project_health_override(
            actor=cast.pm,
            project=cast.project,
            status=status,
            reason=reason,
            until=until,
            today=TODAY,
        )
    assert error.value.field == field
    cast.project.refresh_from_db()
    assert cast.project.health_override == ""


@pytest.mark.parametrize("role_name", [*NOT_PM, "staff_admin"])
def test_only_the_pm_overrides(cast, role_name):
    with pytest.raises(NotAllowed):
        project_health_override(
            actor=getattr(cast, role_name), project=cast.project, status="red", reason="x"
        )
    cast.project.refresh_from_db()
    assert cast.project.health_override == ""


@pytest.mark.parametrize(
    ("role_name", "expected"),
    [
        ("pm", 302),
        ("am", 403),
        ("teammate", 403),
        ("outsider", 404),
        ("rep", 302),
        ("staff_admin", 403),
    ],
)
def test_override_through_the_overview(client, cast, role_name, expected):
    client.force_login(getattr(cast, role_name))
    response = client.post(
        reverse("projects:health_override", kwargs={"project_id": cast.project.pk}),
        {"status": "red", "reason": "Key person left."},
    )
    assert response.status_code == expected
    cast.project.refresh_from_db()
    assert cast.project.health_override == ("red" if role_name == "pm" else "")
    if role_name == "rep":
        assert response["Location"] == "/portal/"


def test_overview_shows_health_reasons_and_override(client, cast):
    milestone(cast.pm, cast.project, date(2020, 1, 1))
    project_health_override(
        actor=cast.pm, project=cast.project, status="green", reason="Agreed slip."
    )
    client.force_login(cast.am)
    page = client.get(reverse("projects:detail", kwargs={"project_id": cast.project.pk}))
    html = page.content.decode()
    assert 'data-health="green"' in html
    assert "1 milestone is overdue." in html
    assert "Agreed slip." in html
    assert "Paula PM" in html
    assert 'data-testid="override-form"' not in html  # the AM does not override


# --- API --------------------------------------------------------------------------------------


def test_api_health_for_the_team_and_for_the_client(client, cast):
    milestone(cast.pm, cast.project, date(2020, 1, 1), visibility=Visibility.INTERNAL)
    url = f"/api/v1/projects/{cast.project.pk}/health/"
    client.force_login(cast.am)
    assert client.get(url).json() == {
        "status": "amber",
        "computed_status": "amber",
        "reasons": [{"status": "amber", "reason": "1 milestone is overdue."}],
        "override": None,
    }
    client.force_login(cast.viewer)
    assert client.get(url).json() == {
        "status": "green",
        "computed_status": None,
        "reasons": [],
        "override": None,
    }
    project_health_override(
        actor=cast.pm, project=cast.project, status="red", reason="Internal why"
    )
    client.force_login(cast.rep)
    body = client.get(url).json()
    assert (body["status"], body["reasons"], body["override"]) == ("red", [], None)
    assert "Internal why" not in str(body)
    client.force_login(cast.pm)
    assert client.get(url).json()["override"] == {
        "status": "red",
        "reason": "Internal why",
        "by": "Paula PM",
        "until": (timezone.localdate() + timedelta(days=14)).isoformat(),
    }


def test_portal_shows_the_simplified_status_without_internal_reasons(client, cast):
    milestone(cast.pm, cast.project, date(2020, 1, 1), visibility=Visibility.INTERNAL)
    milestone(cast.pm, cast.project, date(2020, 1, 2))
    client.force_login(cast.rep)
    html = client.get(f"/portal/projects/{cast.project.pk}/").content.decode()
    assert 'data-status="amber"' in html
    assert "At risk" in html
    assert "1 milestone is overdue." in html
    assert "2 milestones are overdue." not in html
    project_health_override(actor=cast.pm, project=cast.project, status="green", reason="Secret")
    html = client.get(f"/portal/projects/{cast.project.pk}/").content.decode()
    assert "On track" in html
    assert "Secret" not in html
    assert "As assessed by your project manager." in html
