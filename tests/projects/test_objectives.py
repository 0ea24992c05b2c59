"""Objectives on the overview (projects.services.objectives) and the milestone edit form on the
plan: only the PM changes them; everyone else is refused and nothing changes. The portal shows
objectives read-only, with the client's status and progress."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from common.errors import InvalidInput, NotAllowed
from projects.models import Deliverable, Milestone, Objective, Role, Visibility
from projects.services import objective_create, objective_delete, objective_update
from projects.services.deliverables import deliverable_create
from projects.services.milestones import milestone_create
from tests.factories import add_member
from tests.helpers import logged_in

NOT_PM = [
    "am",
    "teammate",
    "client_admin",
    "rep",
    "viewer",
    "other_client_rep",
    "outsider",
    "staff_admin",
]
# What a POST to a staff page of client A's project gives each role (the PM gets a redirect
# back to the page): clients are sent to the portal, outsiders do not see the project.
REFUSED = {
    "am": 403,
    "teammate": 403,
    "staff_admin": 403,
    "outsider": 404,
    "client_admin": "portal",
    "rep": "portal",
    "viewer": "portal",
    "other_client_rep": "portal",
}


def objectives(project) -> list[tuple]:
    return list(project.objectives.values_list("title", "target", "status", "position"))


def assert_refused(response, role_name):
    expected = REFUSED[role_name]
    if expected == "portal":
        assert (response.status_code, response["Location"]) == (302, "/portal/")
    else:
        assert response.status_code == expected


# --- Services ---------------------------------------------------------------------------------


def test_pm_adds_edits_and_removes_objectives(cast):
    first = objective_create(
        actor=cast.pm, project=cast.project, title=" Cut picking errors ", target="< 0.5 %"
    )
    objective_create(actor=cast.pm, project=cast.project, title="Go live before peak season")
    assert objectives(cast.project) == [
        ("Cut picking errors", "< 0.5 %", "not_started", 1),
        ("Go live before peak season", "", "not_started", 2),
    ]
    objective_update(
        actor=cast.pm,
        objective=first,
        title="Cut picking errors",
        target="< 0.3 %",
        status="on_track",
    )
    assert objectives(cast.project)[0] == ("Cut picking errors", "< 0.3 %", "on_track", 1)
    objective_delete(actor=cast.pm, objective=first)
    assert [row[0] for row in objectives(cast.project)] == ["Go live before peak season"]


@pytest.mark.parametrize(
    ("title", "target", "status", "field"),
    [
        ("  ", "", "not_started", "title"),
        ("x" * 301, "", "not_started", "title"),
        ("Goal", "x" * 301, "not_started", "target"),
        ("Goal", "", "bogus", "status"),
    ],
)
def test_objective_with_bad_input_is_refused(cast, title, target, status, field):
    with pytest.raises(InvalidInput) as error:
        objective_create(
            actor=cast.pm, project=cast.project, title=title, target=target, status=status
        )
    assert error.value.field == field
    assert objectives(cast.project) == []


@pytest.mark.parametrize("role_name", NOT_PM)
def test_only_the_pm_changes_objectives(cast, role_name):
    actor = getattr(cast, role_name)
    objective = objective_create(actor=cast.pm, project=cast.project, title="Goal")
    before = objectives(cast.project)
    with pytest.raises(NotAllowed):
        objective_create(actor=actor, project=cast.project, title="Other")
    with pytest.raises(NotAllowed):
        objective_update(actor=actor, objective=objective, title="X", target="", status="missed")
    with pytest.raises(NotAllowed):
        objective_delete(actor=actor, objective=objective)
    assert objectives(cast.project) == before


# --- Pages ------------------------------------------------------------------------------------


def detail_url(cast) -> str:
    return reverse("projects:detail", kwargs={"project_id": cast.project.pk})


def test_pm_manages_objectives_on_the_overview(cast):
    client = logged_in(cast.pm)
    response = client.post(
        detail_url(cast) + "objectives/",
        {
            "new-title": "Cut picking errors",
            "new-target": "< 0.5 %",
            "new-status": "on_track",
        },
    )
    assert (response.status_code, response["Location"]) == (302, detail_url(cast))
    objective = Objective.objects.get()
    response = client.post(
        detail_url(cast) + "objectives/edit/",
        {
            "objective": objective.pk,
            f"o{objective.pk}-title": "Cut picking errors",
            f"o{objective.pk}-target": "< 0.3 %",
            f"o{objective.pk}-status": "achieved",
        },
    )
    assert response.status_code == 302
    assert objectives(cast.project) == [("Cut picking errors", "< 0.3 %", "achieved", 1)]
    html = client.get(detail_url(cast)).content.decode()
    assert "Cut picking errors" in html
    assert 'data-testid="objective-edit-form"' in html
    response = client.post(detail_url(cast) + "objectives/delete/", {"objective": objective.pk})
    assert response.status_code == 302
    assert objectives(cast.project) == []


def test_objective_form_errors_keep_what_was_typed(cast):
    response = logged_in(cast.pm).post(
        detail_url(cast) + "objectives/",
        {
            "new-title": "",
            "new-target": "Keep me",
            "new-status": "on_track",
        },
    )
    assert response.status_code == 400
    assert "Keep me" in response.content.decode()
    assert objectives(cast.project) == []


def test_objective_of_another_project_is_not_found(cast):
    other = Objective.objects.create(project=cast.other_project, title="B's goal")
    response = logged_in(cast.pm).post(
        detail_url(cast) + "objectives/delete/", {"objective": other.pk}
    )
    assert response.status_code == 404
    assert Objective.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("role_name", NOT_PM)
@pytest.mark.parametrize("action", ["add_objective", "edit_objective", "delete_objective"])
def test_objective_pages_refuse_everyone_but_the_pm(cast, role_name, action):
    objective = objective_create(actor=cast.pm, project=cast.project, title="Goal")
    before = objectives(cast.project)
    response = logged_in(getattr(cast, role_name)).post(
        reverse(f"projects:objective_{action.split('_')[0]}", args=[cast.project.pk]),
        {
            "objective": objective.pk,
            "new-title": "Other",
            "new-status": "on_track",
            f"o{objective.pk}-title": "Changed",
            f"o{objective.pk}-status": "missed",
        },
    )
    assert_refused(response, role_name)
    assert objectives(cast.project) == before


def test_team_and_clients_see_objectives_without_forms(cast):
    objective_create(
        actor=cast.pm, project=cast.project, title="Cut picking errors", target="< 0.5 %"
    )
    staff = logged_in(cast.am).get(detail_url(cast)).content.decode()
    assert "Cut picking errors" in staff
    assert 'data-testid="objective-form"' not in staff
    portal = logged_in(cast.viewer).get(f"/portal/projects/{cast.project.pk}/").content.decode()
    assert "Cut picking errors" in portal
    assert "&lt; 0.5 %" in portal
    assert "<form" not in portal.split('data-testid="objectives"')[1].split("</ul>")[0]


# --- Milestone edit on the plan ---------------------------------------------------------------


def plan_url(cast) -> str:
    return reverse("projects:plan", kwargs={"project_id": cast.project.pk})


def milestone_edit_url(cast) -> str:
    return reverse("projects:milestone_edit", kwargs={"project_id": cast.project.pk})


def milestone_row(milestone) -> tuple:
    return tuple(
        Milestone.objects.filter(pk=milestone.pk).values_list(
            "name", "description", "due_date", "baseline_due_date", "visibility"
        )[0]
    )


def edit_data(milestone, **overrides) -> dict:
    data = {
        "milestone": milestone.pk,
        f"e{milestone.pk}-name": "Pilot live",
        f"e{milestone.pk}-due_date": "2027-02-15",
        f"e{milestone.pk}-description": "Moved by two weeks.",
        f"e{milestone.pk}-visibility": "client",
    }
    data.update({f"e{milestone.pk}-{key}": value for key, value in overrides.items()})
    return data


def test_pm_edits_a_milestone_and_the_baseline_stays(cast):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2027, 1, 31)
    )
    response = logged_in(cast.pm).post(milestone_edit_url(cast), edit_data(milestone))
    assert (response.status_code, response["Location"]) == (302, plan_url(cast))
    assert milestone_row(milestone) == (
        "Pilot live",
        "Moved by two weeks.",
        date(2027, 2, 15),
        date(2027, 1, 31),
        "client",
    )


def test_milestone_with_deliverables_awaiting_the_client_stays_visible(cast):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2027, 1, 31)
    )
    created = deliverable_create(actor=cast.pm, milestone=milestone, name="D", criteria=["ok"])
    Deliverable.objects.filter(pk=created.pk).update(status=Deliverable.Status.SUBMITTED)
    before = milestone_row(milestone)
    response = logged_in(cast.pm).post(
        milestone_edit_url(cast), edit_data(milestone, visibility=Visibility.INTERNAL)
    )
    assert response.status_code == 400
    assert "await the client" in response.content.decode()
    assert milestone_row(milestone) == before


def test_milestone_edit_with_a_bad_date_changes_nothing(cast):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2027, 1, 31)
    )
    before = milestone_row(milestone)
    response = logged_in(cast.pm).post(
        milestone_edit_url(cast), edit_data(milestone, due_date="soon")
    )
    assert response.status_code == 400
    assert milestone_row(milestone) == before


@pytest.mark.parametrize("role_name", NOT_PM)
def test_milestone_edit_refuses_everyone_but_the_pm(cast, role_name):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2027, 1, 31)
    )
    before = milestone_row(milestone)
    response = logged_in(getattr(cast, role_name)).post(
        milestone_edit_url(cast), edit_data(milestone)
    )
    assert_refused(response, role_name)
    assert milestone_row(milestone) == before


def test_milestone_of_another_project_is_not_found(cast, other_client_rep):
    add_member(cast.other_project, cast.pm, Role.PM)
    cast.pm.__dict__.pop("project_roles", None)
    other = milestone_create(
        actor=cast.pm, project=cast.other_project, name="B", due_date=date(2027, 1, 1)
    )
    before = milestone_row(other)
    response = logged_in(cast.pm).post(milestone_edit_url(cast), edit_data(other))
    assert response.status_code == 404
    assert milestone_row(other) == before


def test_plan_shows_completion_per_milestone(cast):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2027, 1, 31)
    )
    for name, status in [("A", "accepted"), ("B", "deemed_accepted"), ("C", "in_progress")]:
        created = deliverable_create(actor=cast.pm, milestone=milestone, name=name, criteria=[])
        Deliverable.objects.filter(pk=created.pk).update(status=status)
    deliverable_create(
        actor=cast.pm, milestone=milestone, name="Internal", criteria=[], visibility="internal"
    )
    staff = logged_in(cast.am).get(plan_url(cast)).content.decode()
    assert "2 of 4 deliverables accepted" in staff
    assert 'aria-valuenow="50"' in staff
    portal = logged_in(cast.rep).get(f"/portal/projects/{cast.project.pk}/").content.decode()
    assert 'aria-valuenow="67"' in portal  # 2 of the 3 the client sees
    assert 'data-testid="milestones-completed">0 of 1' in portal


# --- API --------------------------------------------------------------------------------------


def test_api_pm_manages_objectives(cast):
    client = logged_in(cast.pm)
    base = f"/api/v1/projects/{cast.project.pk}/objectives/"
    created = client.post(
        base, {"title": "Cut errors", "target": "< 0.5 %"}, content_type="application/json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json() == {
        "id": pk,
        "title": "Cut errors",
        "target": "< 0.5 %",
        "status": "not_started",
        "position": 1,
        "revision": 1,
    }
    patched = client.patch(f"{base}{pk}/", {"status": "achieved"}, content_type="application/json")
    assert (patched.status_code, patched.json()["status"]) == (200, "achieved")
    assert (patched.json()["revision"], patched["ETag"]) == (2, '"2"')
    assert objectives(cast.project) == [("Cut errors", "< 0.5 %", "achieved", 1)]
    listed = logged_in(cast.viewer).get(base).json()
    assert [row["title"] for row in listed["results"]] == ["Cut errors"]
    assert client.delete(f"{base}{pk}/").status_code == 204
    assert objectives(cast.project) == []


@pytest.mark.parametrize("role_name", NOT_PM)
def test_api_objective_changes_are_refused_to_everyone_but_the_pm(cast, role_name):
    objective = objective_create(actor=cast.pm, project=cast.project, title="Goal")
    before = objectives(cast.project)
    client = logged_in(getattr(cast, role_name))
    base = f"/api/v1/projects/{cast.project.pk}/objectives/"
    expected = 404 if role_name in ("outsider", "other_client_rep") else 403
    responses = [
        client.post(base, {"title": "X"}, content_type="application/json"),
        client.patch(f"{base}{objective.pk}/", {"title": "X"}, content_type="application/json"),
        client.delete(f"{base}{objective.pk}/"),
    ]
    assert [response.status_code for response in responses] == [expected] * 3
    assert objectives(cast.project) == before


def test_api_pm_edits_a_milestone_and_the_baseline_stays(cast):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2027, 1, 31)
    )
    response = logged_in(cast.pm).patch(
        f"/api/v1/projects/{cast.project.pk}/milestones/{milestone.pk}/",
        {"due_date": "2027-02-15"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["due_date"], response.json()["baseline_due_date"]) == (
        "2027-02-15",
        "2027-01-31",
    )
    assert milestone_row(milestone) == (
        "Pilot",
        "",
        date(2027, 2, 15),
        date(2027, 1, 31),
        "client",
    )


@pytest.mark.parametrize("role_name", NOT_PM)
def test_api_milestone_edit_is_refused_to_everyone_but_the_pm(cast, role_name):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2027, 1, 31)
    )
    before = milestone_row(milestone)
    response = logged_in(getattr(cast, role_name)).patch(
        f"/api/v1/projects/{cast.project.pk}/milestones/{milestone.pk}/",
        {"name": "Hacked"},
        content_type="application/json",
    )
    assert response.status_code == (404 if role_name in ("outsider", "other_client_rep") else 403)
    assert milestone_row(milestone) == before
