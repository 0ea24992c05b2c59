"""Creating, editing and archiving a project, from the service and the pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from common.errors import Conflict, InvalidInput, NotAllowed
from projects.models import Membership, Project, Role
from projects.services import ProjectData, project_create, project_set_archived, project_update
from tests.helpers import logged_in


def form_data(**overrides) -> dict[str, str]:
    data = {
        "client": "",
        "code": "nw-new",
        "name": "New rollout",
        "summary": "",
        "phase": "planning",
        "scope_statement": "Three warehouses.",
        "out_of_scope": "Billing\nHR",
        "start_date": "2027-01-04",
        "end_date": "2027-06-30",
        "budget": "120000.50",
        "currency": "eur",
        "budget_visibility": "totals",
        "tags": "logistics, wms, logistics",
        "deemed_acceptance_days": "5",
    }
    data.update(overrides)
    return data


def test_a_pm_creates_a_project_and_becomes_its_pm(outsider, client_a):
    response = logged_in(outsider).post("/projects/new/", form_data(client=client_a.pk))
    project = Project.objects.get(code="nw-new")
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/plan/"
    assert (project.client, project.name, project.phase) == (client_a, "New rollout", "planning")
    assert (project.start_date, project.end_date) == (date(2027, 1, 4), date(2027, 6, 30))
    assert (project.baseline_start_date, project.baseline_end_date) == (
        date(2027, 1, 4),
        date(2027, 6, 30),
    )
    assert (project.budget, project.currency) == (Decimal("120000.50"), "EUR")
    assert project.tags == ["logistics", "wms"]
    assert project.deemed_acceptance_days == 5
    assert Membership.objects.get(project=project).role == Role.PM
    assert Membership.objects.get(project=project).user == outsider


@pytest.mark.parametrize("role_name", ["rep", "client_admin", "viewer"])
def test_client_people_cannot_create_projects(cast, client_a, role_name):
    user = cast.by_name(role_name)
    with pytest.raises(NotAllowed):
        project_create(actor=user, client=client_a, data=ProjectData(name="X", code="x-1"))
    response = logged_in(user).post("/projects/new/", form_data(client=client_a.pk))
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert not Project.objects.filter(code__in=["x-1", "nw-new"]).exists()


def test_bad_input_gets_field_errors_and_creates_nothing(pm, client_a):
    response = logged_in(pm).post(
        "/projects/new/",
        form_data(client=client_a.pk, end_date="2026-12-01", budget="-5", currency="E"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "end_date" in errors
    assert "budget" in errors
    assert "currency" in errors
    assert not Project.objects.filter(code="nw-new").exists()


def test_a_used_code_is_refused_with_a_message(pm, client_a, project):
    response = logged_in(pm).post("/projects/new/", form_data(client=client_a.pk, code="a-one"))
    assert response.status_code == 400
    assert response.context["form"].errors["code"]
    assert Project.objects.filter(code="a-one").count() == 1


def test_the_provider_cannot_be_a_projects_client(pm, provider):
    with pytest.raises(InvalidInput):
        project_create(actor=pm, client=provider, data=ProjectData(name="X", code="x-2"))


def test_editing_moves_the_current_plan_never_the_baseline(pm, client_a):
    project = project_create(
        actor=pm,
        client=client_a,
        data=ProjectData(
            name="P", code="p-1", start_date=date(2027, 1, 1), end_date=date(2027, 3, 1)
        ),
    )
    response = logged_in(pm).post(
        f"/projects/{project.pk}/edit/",
        form_data(client=client_a.pk, code="p-1", end_date="2027-05-01", start_date="2027-01-01"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.end_date == date(2027, 5, 1)
    assert project.baseline_end_date == date(2027, 3, 1)
    assert project.history.count() == 2


def test_the_code_does_not_change(pm, project):
    data = ProjectData(name="A One", code="other-code")
    with pytest.raises(InvalidInput):
        project_update(actor=pm, project=project, data=data)


@pytest.mark.parametrize("role_name", ["am", "teammate", "rep", "client_admin", "outsider"])
def test_only_the_pm_edits_or_archives(cast, role_name):
    user = cast.by_name(role_name)
    with pytest.raises(NotAllowed):
        project_update(actor=user, project=cast.project, data=ProjectData(name="Z", code="a-one"))
    with pytest.raises(NotAllowed):
        project_set_archived(actor=user, project=cast.project, archived=True)
    cast.project.refresh_from_db()
    assert (cast.project.name, cast.project.is_archived) == ("A One", False)


def test_archive_hides_the_project_from_my_projects_and_restore_brings_it_back(pm, project):
    client = logged_in(pm)
    client.post(f"/projects/{project.pk}/archive/")
    project.refresh_from_db()
    assert project.is_archived
    assert "A One" not in client.get("/projects/").content.decode()
    client.post(f"/projects/{project.pk}/restore/")
    project.refresh_from_db()
    assert not project.is_archived


def test_conflict_error_names_the_code_field(pm, client_a, project):
    with pytest.raises(Conflict) as error:
        project_create(actor=pm, client=client_a, data=ProjectData(name="Dup", code="a-one"))
    assert error.value.field == "code"
