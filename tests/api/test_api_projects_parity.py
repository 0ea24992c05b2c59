"""The API reaches every action of the staff pages on projects, through the same services with
the same permissions: each operation changes what it says for the right role (read back from the
database and the answer), and changes nothing for a wrong role, on bad input or on a closed
project."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from projects.closure import closed_project_writes_allowed
from projects.models import HealthStatus, Membership, Phase, Project, Role
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

JSON = "application/json"


def close(project: Project) -> None:
    with closed_project_writes_allowed():
        project.phase = Phase.CLOSED
        project.save(update_fields=["phase", "updated_at"])


def send(user, method: str, url: str, data=None, **headers):
    body = json.dumps(data if data is not None else {})
    return logged_in(user).generic(method, url, data=body, content_type=JSON, headers=headers)


def state(project: Project) -> dict:
    return Project.objects.filter(pk=project.pk).values().get()


# --- Projects: create, edit, archive, copy, health override --------------------------------------


NEW = {
    "code": "a-two",
    "name": "A Two",
    "summary": "The second one",
    "start_date": "2026-03-02",
    "end_date": "2026-09-30",
    "budget": "1000.00",
    "currency": "usd",
    "budget_visibility": "totals",
    "tags": ["logistics", " SAP ", "logistics"],
}


def test_a_provider_person_creates_a_project_and_becomes_its_pm(cast):
    response = send(
        cast.teammate, "POST", "/api/v1/projects/", {**NEW, "client": cast.project.client_id}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    project = Project.objects.get(code="a-two")
    assert body["id"] == project.pk
    assert body["client"]["id"] == cast.project.client_id
    assert body["budget"] == "1000.00"
    assert body["currency"] == "USD"
    assert body["tags"] == ["logistics", "SAP"]
    assert response["ETag"] == f'"{project.revision}"'
    assert project.name == "A Two"
    assert project.baseline_end_date == date(2026, 9, 30)
    assert Membership.objects.get(project=project, user=cast.teammate).role == Role.PM


@pytest.mark.parametrize("name", ["rep", "client_admin", "viewer"])
def test_a_client_user_cannot_create_a_project(cast, name):
    count = Project.objects.count()
    response = send(
        getattr(cast, name), "POST", "/api/v1/projects/", {**NEW, "client": cast.project.client_id}
    )
    assert response.status_code == 403
    assert Project.objects.count() == count


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_date": "2026-01-01"}, "end_date"),
        ({"code": "not a slug"}, "code"),
        ({"currency": "EURO"}, "currency"),
        ({"budget": "-1"}, "budget"),
        ({"name": ""}, "name"),
        ({"budget_visibility": "all"}, "budget_visibility"),
    ],
)
def test_creating_a_project_with_bad_input_is_400_on_the_field(cast, change, field):
    count = Project.objects.count()
    data = {**NEW, "client": cast.project.client_id, **change}
    response = send(cast.pm, "POST", "/api/v1/projects/", data)
    assert response.status_code == 400
    assert field in response.json()
    assert Project.objects.count() == count


def test_a_project_is_for_a_client_organisation_and_a_free_code(cast):
    count = Project.objects.count()
    response = send(
        cast.pm, "POST", "/api/v1/projects/", {**NEW, "client": cast.pm.organization_id}
    )
    assert response.status_code == 400
    assert "client" in response.json()
    data = {**NEW, "code": cast.project.code, "client": cast.project.client_id}
    response = send(cast.pm, "POST", "/api/v1/projects/", data)
    assert response.status_code == 409
    assert "code" in response.json()
    assert Project.objects.count() == count


def test_the_pm_edits_the_project_with_its_revision(cast):
    project = cast.project
    url = f"/api/v1/projects/{project.pk}/"
    revision = Project.objects.get(pk=project.pk).revision
    response = send(
        cast.pm,
        "PATCH",
        url,
        {"name": "A One, renamed", "tags": ["x"], "end_date": "2030-01-01"},
        If_Match=f'"{revision}"',
    )
    assert response.status_code == 200, response.content
    saved = Project.objects.get(pk=project.pk)
    assert saved.name == "A One, renamed"
    assert saved.tags == ["x"]
    assert saved.end_date == date(2030, 1, 1)
    assert saved.code == project.code  # the fields left out keep their values
    assert response.json()["name"] == "A One, renamed"
    assert response["ETag"] == f'"{saved.revision}"'
    # The revision it was read at is gone: 409, nothing changed.
    response = send(cast.pm, "PATCH", url, {"name": "Lost"}, If_Match=f'"{revision}"')
    assert response.status_code == 409
    assert Project.objects.get(pk=project.pk).name == "A One, renamed"


@pytest.mark.parametrize(
    ("name", "status"),
    [("teammate", 403), ("am", 403), ("rep", 403), ("client_admin", 403), ("outsider", 404)],
)
def test_only_the_pm_edits_the_project(cast, name, status):
    before = state(cast.project)
    url = f"/api/v1/projects/{cast.project.pk}/"
    response = send(getattr(cast, name), "PATCH", url, {"name": "Hijacked"})
    assert response.status_code == status
    assert state(cast.project) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "other"}, "code"),
        ({"phase": "execution"}, "phase"),
        ({"start_date": "2026-05-01", "end_date": "2026-04-01"}, "end_date"),
        ({"deemed_acceptance_days": 0}, "deemed_acceptance_days"),
    ],
)
def test_editing_with_bad_input_is_400_and_changes_nothing(cast, change, field):
    before = state(cast.project)
    response = send(cast.pm, "PATCH", f"/api/v1/projects/{cast.project.pk}/", change)
    assert response.status_code == 400
    assert field in response.json()
    assert state(cast.project) == before


def test_a_closed_project_is_not_edited_but_may_be_archived(cast):
    close(cast.project)
    before = state(cast.project)
    url = f"/api/v1/projects/{cast.project.pk}/"
    response = send(cast.pm, "PATCH", url, {"name": "Late"})
    assert response.status_code == 409
    assert response.json()["code"] == "project_closed"
    response = send(cast.pm, "POST", url + "health-override/", {"status": "red", "reason": "x"})
    assert response.status_code == 409
    assert state(cast.project) == before
    response = send(cast.pm, "POST", url + "set-archived/", {"is_archived": True})
    assert response.status_code == 200
    assert response.json()["is_archived"] is True
    assert Project.objects.get(pk=cast.project.pk).is_archived


def test_the_pm_archives_and_restores_the_project(cast):
    url = f"/api/v1/projects/{cast.project.pk}/set-archived/"
    response = send(cast.pm, "POST", url, {"is_archived": True})
    assert response.status_code == 200
    assert response.json()["is_archived"] is True
    assert Project.objects.get(pk=cast.project.pk).is_archived
    response = send(cast.pm, "POST", url, {"is_archived": False})
    assert response.status_code == 200
    assert response.json()["is_archived"] is False
    assert not Project.objects.get(pk=cast.project.pk).is_archived


@pytest.mark.parametrize(("name", "status"), [("teammate", 403), ("rep", 403), ("outsider", 404)])
def test_others_do_not_archive_the_project(cast, name, status):
    url = f"/api/v1/projects/{cast.project.pk}/set-archived/"
    response = send(getattr(cast, name), "POST", url, {"is_archived": True})
    assert response.status_code == status
    assert not Project.objects.get(pk=cast.project.pk).is_archived


def test_archiving_without_the_flag_is_400(cast):
    response = send(cast.pm, "POST", f"/api/v1/projects/{cast.project.pk}/set-archived/", {})
    assert response.status_code == 400
    assert "is_archived" in response.json()
    assert not Project.objects.get(pk=cast.project.pk).is_archived


def test_the_pm_overrides_the_health_and_withdraws_it(cast):
    url = f"/api/v1/projects/{cast.project.pk}/health-override/"
    until = timezone.localdate() + timedelta(days=5)
    data = {"status": "red", "reason": "Supplier gone", "until": until.isoformat()}
    response = send(cast.pm, "POST", url, data)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "red"
    assert body["override"]["reason"] == "Supplier gone"
    assert body["override"]["until"] == until.isoformat()
    saved = Project.objects.get(pk=cast.project.pk)
    assert saved.health_override == HealthStatus.RED
    assert saved.health_override_by == cast.pm
    # A client reads the status, never the override's detail.
    health = logged_in(cast.rep).get(f"/api/v1/projects/{cast.project.pk}/health/").json()
    assert health["override"] is None
    assert health["computed_status"] is None
    response = send(cast.pm, "DELETE", url)
    assert response.status_code == 204
    saved = Project.objects.get(pk=cast.project.pk)
    assert saved.health_override == ""
    assert saved.health_override_reason == ""


@pytest.mark.parametrize(("name", "status"), [("teammate", 403), ("rep", 403), ("outsider", 404)])
def test_others_do_not_override_the_health(cast, name, status):
    url = f"/api/v1/projects/{cast.project.pk}/health-override/"
    before = state(cast.project)
    response = send(getattr(cast, name), "POST", url, {"status": "red", "reason": "x"})
    assert response.status_code == status
    response = send(getattr(cast, name), "DELETE", url)
    assert response.status_code == status
    assert state(cast.project) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "red", "reason": "  "}, "reason"),
        ({"status": "purple", "reason": "x"}, "status"),
        ({"status": "red", "reason": "x", "until": "2000-01-01"}, "until"),
        ({"status": "red", "reason": "x", "until": "2999-01-01"}, "until"),
    ],
)
def test_a_health_override_with_bad_input_is_400(cast, data, field):
    before = state(cast.project)
    response = send(cast.pm, "POST", f"/api/v1/projects/{cast.project.pk}/health-override/", data)
    assert response.status_code == 400
    assert field in response.json()
    assert state(cast.project) == before


def _plan(cast) -> None:
    from projects.services.milestones import milestone_create

    Project.objects.filter(pk=cast.project.pk).update(start_date=date(2026, 1, 5))
    cast.project.refresh_from_db()
    milestone_create(actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2026, 2, 2))


def test_a_project_is_copied_with_its_plan_moved_to_the_new_start(cast):
    _plan(cast)
    close(cast.project)  # a closed project may be copied: it is only read
    data = {
        "client": cast.project.client_id,
        "code": "a-copy",
        "name": "A Copy",
        "start_date": "2026-03-02",
    }
    response = send(cast.pm, "POST", f"/api/v1/projects/{cast.project.pk}/copy/", data)
    assert response.status_code == 201, response.content
    copy = Project.objects.get(code="a-copy")
    assert response.json()["id"] == copy.pk
    assert copy.start_date == date(2026, 3, 2)
    assert copy.phase == Phase.INITIATION
    assert list(copy.milestones.values_list("name", "due_date")) == [("Pilot", date(2026, 3, 30))]
    assert Membership.objects.get(project=copy, user=cast.pm).role == Role.PM


@pytest.mark.parametrize(
    ("name", "status"), [("rep", 403), ("client_admin", 403), ("outsider", 404)]
)
def test_a_project_is_copied_only_by_a_provider_person_who_sees_it(cast, name, status):
    _plan(cast)
    count = Project.objects.count()
    data = {
        "client": cast.project.client_id,
        "code": "a-copy",
        "name": "A Copy",
        "start_date": "2026-03-02",
    }
    response = send(getattr(cast, name), "POST", f"/api/v1/projects/{cast.project.pk}/copy/", data)
    assert response.status_code == status
    assert Project.objects.count() == count


def test_a_copy_without_a_start_is_400(cast):
    _plan(cast)
    count = Project.objects.count()
    data = {"client": cast.project.client_id, "code": "a-copy", "name": "A Copy"}
    response = send(cast.pm, "POST", f"/api/v1/projects/{cast.project.pk}/copy/", data)
    assert response.status_code == 400
    assert "start_date" in response.json()
    assert Project.objects.count() == count


# --- Members: change a role, remove ------------------------------------------------------------


def _membership(cast, user) -> Membership:
    return Membership.objects.get(project=cast.project, user=user)


def test_the_pm_changes_a_members_role(cast):
    membership = _membership(cast, cast.rep)
    url = f"/api/v1/projects/{cast.project.pk}/members/{membership.pk}/"
    response = send(cast.pm, "PATCH", url, {"role": "client_viewer"})
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "client_viewer"
    assert response.json()["user"]["id"] == cast.rep.pk
    membership.refresh_from_db()
    assert membership.role == Role.CLIENT_VIEWER


def test_a_client_admin_changes_only_client_roles(cast):
    membership = _membership(cast, cast.rep)
    url = f"/api/v1/projects/{cast.project.pk}/members/{membership.pk}/"
    response = send(cast.client_admin, "PATCH", url, {"role": "team_member"})
    assert response.status_code == 400
    assert "role" in response.json()
    team = _membership(cast, cast.teammate)
    url = f"/api/v1/projects/{cast.project.pk}/members/{team.pk}/"
    response = send(cast.client_admin, "PATCH", url, {"role": "client_viewer"})
    assert response.status_code == 403
    assert _membership(cast, cast.rep).role == Role.CUSTOMER_REP
    assert _membership(cast, cast.teammate).role == Role.TEAM_MEMBER
    response = send(cast.client_admin, "DELETE", url)
    assert response.status_code == 403
    assert Membership.objects.filter(pk=team.pk).exists()


@pytest.mark.parametrize(("name", "status"), [("teammate", 403), ("rep", 403), ("outsider", 404)])
def test_others_do_not_change_members(cast, name, status):
    membership = _membership(cast, cast.viewer)
    url = f"/api/v1/projects/{cast.project.pk}/members/{membership.pk}/"
    assert send(getattr(cast, name), "PATCH", url, {"role": "customer_rep"}).status_code == status
    assert send(getattr(cast, name), "DELETE", url).status_code == status
    assert _membership(cast, cast.viewer).role == Role.CLIENT_VIEWER


def test_a_bad_role_is_400_and_another_projects_member_404(cast):
    membership = _membership(cast, cast.rep)
    url = f"/api/v1/projects/{cast.project.pk}/members/{membership.pk}/"
    response = send(cast.pm, "PATCH", url, {"role": "boss"})
    assert response.status_code == 400
    assert "role" in response.json()
    other = Membership.objects.get(project=cast.other_project, user=cast.other_client_rep)
    url = f"/api/v1/projects/{cast.project.pk}/members/{other.pk}/"
    assert send(cast.pm, "DELETE", url).status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()
    assert _membership(cast, cast.rep).role == Role.CUSTOMER_REP


def test_the_pm_removes_a_member_even_of_a_closed_project_but_not_the_last_pm(cast):
    close(cast.project)
    membership = _membership(cast, cast.rep)
    url = f"/api/v1/projects/{cast.project.pk}/members/{membership.pk}/"
    response = send(cast.pm, "PATCH", url, {"role": "client_viewer"})
    assert response.status_code == 409
    assert response.json()["code"] == "project_closed"
    assert send(cast.pm, "DELETE", url).status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()
    pm = _membership(cast, cast.pm)
    url = f"/api/v1/projects/{cast.project.pk}/members/{pm.pk}/"
    assert send(cast.pm, "DELETE", url).status_code == 409
    assert Membership.objects.filter(pk=pm.pk).exists()


# --- Project templates -----------------------------------------------------------------------


def _template(cast, user=None):
    from projects.services.templates import template_save

    _plan(cast)
    return template_save(actor=user or cast.pm, project=cast.project, name="Roll-out")


def test_the_pm_saves_the_plan_as_a_template_even_of_a_closed_project(cast):
    from projects.models import ProjectTemplate

    _plan(cast)
    close(cast.project)
    data = {"project": cast.project.pk, "name": "Roll-out", "description": "Twelve weeks"}
    response = send(cast.pm, "POST", "/api/v1/project-templates/", data)
    assert response.status_code == 201, response.content
    template = ProjectTemplate.objects.get()
    body = response.json()
    assert body["id"] == template.pk
    assert body["milestones"] == 1
    assert body["source_project_code"] == cast.project.code
    assert body["may_delete"] is True
    assert template.created_by == cast.pm
    assert template.description == "Twelve weeks"


@pytest.mark.parametrize(("name", "status"), [("teammate", 403), ("rep", 403), ("outsider", 400)])
def test_others_do_not_save_a_template(cast, name, status):
    from projects.models import ProjectTemplate

    _plan(cast)
    data = {"project": cast.project.pk, "name": "Roll-out"}
    response = send(getattr(cast, name), "POST", "/api/v1/project-templates/", data)
    assert response.status_code == status
    assert not ProjectTemplate.objects.exists()


def test_a_template_needs_a_name_and_a_project_with_a_start(cast):
    from projects.models import ProjectTemplate

    response = send(cast.pm, "POST", "/api/v1/project-templates/", {"project": cast.project.pk})
    assert response.status_code == 400
    assert "name" in response.json()
    Project.objects.filter(pk=cast.project.pk).update(start_date=None)
    data = {"project": cast.project.pk, "name": "Roll-out"}
    response = send(cast.pm, "POST", "/api/v1/project-templates/", data)
    assert response.status_code == 400
    assert "start_date" in response.json()
    assert not ProjectTemplate.objects.exists()


def test_provider_people_read_templates_clients_do_not(cast):
    template = _template(cast)
    response = logged_in(cast.teammate).get("/api/v1/project-templates/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [template.pk]
    assert response.json()["results"][0]["may_delete"] is False
    response = logged_in(cast.pm).get(f"/api/v1/project-templates/{template.pk}/")
    assert response.json()["name"] == "Roll-out"
    for user in (cast.rep, cast.client_admin):
        assert logged_in(user).get("/api/v1/project-templates/").status_code == 403
        url = f"/api/v1/project-templates/{template.pk}/"
        assert logged_in(user).get(url).status_code == 403


def test_only_the_author_or_a_staff_admin_deletes_a_template(cast):
    from projects.models import ProjectTemplate

    template = _template(cast)
    url = f"/api/v1/project-templates/{template.pk}/"
    assert send(cast.teammate, "DELETE", url).status_code == 403
    assert send(cast.rep, "DELETE", url).status_code == 403
    assert ProjectTemplate.objects.filter(pk=template.pk).exists()
    assert send(cast.staff_admin, "DELETE", url).status_code == 204
    assert not ProjectTemplate.objects.filter(pk=template.pk).exists()


def test_a_project_is_started_from_a_template(cast):
    template = _template(cast)
    data = {
        "client": cast.project.client_id,
        "code": "from-tpl",
        "name": "From a template",
        "start_date": "2026-03-02",
    }
    url = f"/api/v1/project-templates/{template.pk}/projects/"
    response = send(cast.teammate, "POST", url, data)
    assert response.status_code == 201, response.content
    project = Project.objects.get(code="from-tpl")
    assert response.json()["id"] == project.pk
    assert list(project.milestones.values_list("due_date", flat=True)) == [date(2026, 3, 30)]
    assert Membership.objects.get(project=project, user=cast.teammate).role == Role.PM
    count = Project.objects.count()
    assert send(cast.rep, "POST", url, {**data, "code": "x"}).status_code == 403
    response = send(cast.pm, "POST", url, {**data, "code": "y", "client": 0})
    assert response.status_code == 400
    assert "client" in response.json()
    assert Project.objects.count() == count


# --- Invitations -----------------------------------------------------------------------------


def test_the_pm_invites_lists_and_withdraws(cast):
    from projects.models import Invitation

    url = f"/api/v1/projects/{cast.project.pk}/invitations/"
    response = send(cast.pm, "POST", url, {"email": "New@A.test", "role": "customer_rep"})
    assert response.status_code == 201, response.content
    invitation = Invitation.objects.get()
    assert invitation.email == "new@a.test"
    assert invitation.invited_by == cast.pm
    assert response.json()["role"] == "customer_rep"
    listed = logged_in(cast.client_admin).get(url).json()["results"]
    assert [row["id"] for row in listed] == [invitation.pk]
    assert send(cast.pm, "DELETE", f"{url}{invitation.pk}/").status_code == 204
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert logged_in(cast.pm).get(url).json()["results"] == []


def test_a_client_admin_invites_only_client_roles(cast):
    from projects.models import Invitation

    url = f"/api/v1/projects/{cast.project.pk}/invitations/"
    response = send(cast.client_admin, "POST", url, {"email": "x@a.test", "role": "team_member"})
    assert response.status_code == 403
    response = send(cast.client_admin, "POST", url, {"email": "x@a.test", "role": "client_viewer"})
    assert response.status_code == 201
    assert Invitation.objects.get().role == Role.CLIENT_VIEWER


@pytest.mark.parametrize(("name", "status"), [("teammate", 403), ("rep", 403), ("outsider", 404)])
def test_others_neither_see_nor_send_invitations(cast, name, status):
    from projects.models import Invitation
    from projects.services.invitations import invitation_create

    invitation = invitation_create(
        actor=cast.pm, project=cast.project, email="new@a.test", role="customer_rep"
    )
    url = f"/api/v1/projects/{cast.project.pk}/invitations/"
    user = getattr(cast, name)
    assert logged_in(user).get(url).status_code == status
    assert (
        send(user, "POST", url, {"email": "x@a.test", "role": "customer_rep"}).status_code == status
    )
    assert send(user, "DELETE", f"{url}{invitation.pk}/").status_code == status
    assert Invitation.objects.get().revoked_at is None


def test_a_bad_invitation_is_400_and_a_closed_project_takes_none_but_may_withdraw(cast):
    from projects.models import Invitation
    from projects.services.invitations import invitation_create

    url = f"/api/v1/projects/{cast.project.pk}/invitations/"
    response = send(cast.pm, "POST", url, {"email": "not-an-address", "role": "customer_rep"})
    assert response.status_code == 400
    assert "email" in response.json()
    response = send(cast.pm, "POST", url, {"email": "x@a.test", "role": "boss"})
    assert response.status_code == 400
    assert "role" in response.json()
    assert not Invitation.objects.exists()
    invitation = invitation_create(
        actor=cast.pm, project=cast.project, email="new@a.test", role="customer_rep"
    )
    close(cast.project)
    response = send(cast.pm, "POST", url, {"email": "x@a.test", "role": "customer_rep"})
    assert response.status_code == 409
    assert response.json()["code"] == "project_closed"
    assert Invitation.objects.count() == 1
    assert send(cast.pm, "DELETE", f"{url}{invitation.pk}/").status_code == 204
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


# --- Deletes: rates, cost entries, documents --------------------------------------------------


def _rate(cast):
    from decimal import Decimal

    from projects.services.costs import rate_set

    return rate_set(
        actor=cast.pm, project=cast.project, role="team_member", hourly_rate=Decimal(90)
    )


def _cost(cast):
    from decimal import Decimal

    from projects.services.costs import cost_entry_add

    return cost_entry_add(
        actor=cast.pm, project=cast.project, date=date(2026, 3, 2), amount=Decimal(120)
    )


def _document(cast):
    """A client-visible document (document_upload answers its first version)."""
    from projects.services.documents import document_upload

    return document_upload(
        actor=cast.pm,
        project=cast.project,
        file=SimpleUploadedFile("spec.txt", b"the spec"),
        visibility="client",
    ).document


@pytest.mark.parametrize(
    ("make", "collection", "model"),
    [
        (_rate, "rates", "Rate"),
        (_cost, "cost-entries", "CostEntry"),
        (_document, "documents", "Document"),
    ],
)
def test_the_pm_deletes_and_no_one_else_nor_on_a_closed_project(cast, make, collection, model):
    from projects import models

    row = make(cast)
    rows = getattr(models, model).objects.filter(pk=row.pk)
    url = f"/api/v1/projects/{cast.project.pk}/{collection}/{row.pk}/"
    for user, status in [(cast.teammate, 403), (cast.rep, 403), (cast.outsider, 404)]:
        assert send(user, "DELETE", url).status_code == status
    assert rows.exists()
    assert (
        send(cast.pm, "DELETE", f"/api/v1/projects/{cast.project.pk}/{collection}/0/").status_code
        == 404
    )
    close(cast.project)
    response = send(cast.pm, "DELETE", url)
    assert response.status_code == 409
    assert response.json()["code"] == "project_closed"
    assert rows.exists()
    Project.objects.filter(pk=cast.project.pk).update(phase=Phase.EXECUTION)
    assert send(cast.pm, "DELETE", url).status_code == 204
    assert not rows.exists()


# --- Documents: what the client sees ---------------------------------------------------------


def _visibility(document) -> str:
    from projects.models import Document

    return Document.objects.get(pk=document.pk).visibility


def test_the_pm_shares_a_document_with_the_client_and_takes_it_back(cast):
    from projects.services.documents import document_upload

    document = document_upload(
        actor=cast.pm,
        project=cast.project,
        file=SimpleUploadedFile("plan.txt", b"the plan"),
        title="Cut-over plan",
    ).document
    url = f"/api/v1/projects/{cast.project.pk}/documents/{document.pk}/"
    assert logged_in(cast.rep).get(url).status_code == 404
    response = send(cast.pm, "PATCH", url, {"visibility": "client"})
    assert response.status_code == 200, response.content
    assert response.json()["visibility"] == "client"
    assert response.json()["title"] == "Cut-over plan"
    assert _visibility(document) == "client"
    assert logged_in(cast.rep).get(url).json()["id"] == document.pk
    response = send(cast.pm, "PATCH", url, {"visibility": "internal"})
    assert response.status_code == 200
    assert _visibility(document) == "internal"
    assert logged_in(cast.rep).get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "status"),
    [("teammate", 403), ("am", 403), ("rep", 403), ("client_admin", 403), ("outsider", 404)],
)
def test_only_the_pm_sets_a_documents_visibility(cast, name, status):
    document = _document(cast)
    url = f"/api/v1/projects/{cast.project.pk}/documents/{document.pk}/"
    response = send(getattr(cast, name), "PATCH", url, {"visibility": "internal"})
    assert response.status_code == status
    assert _visibility(document) == "client"


@pytest.mark.parametrize(("data", "reason"), [({}, "required"), ({"visibility": "public"}, "")])
def test_a_visibility_that_is_missing_or_unknown_is_400(cast, data, reason):
    document = _document(cast)
    url = f"/api/v1/projects/{cast.project.pk}/documents/{document.pk}/"
    response = send(cast.pm, "PATCH", url, data)
    assert response.status_code == 400
    assert reason in response.json()["visibility"][0]
    assert _visibility(document) == "client"


def test_a_document_of_an_internal_milestone_stays_internal(cast):
    from projects.services.documents import document_upload
    from projects.services.milestones import milestone_create

    milestone = milestone_create(
        actor=cast.pm,
        project=cast.project,
        name="Vendor selection",
        due_date=date(2026, 6, 1),
        visibility="internal",
    )
    document = document_upload(
        actor=cast.pm,
        project=cast.project,
        file=SimpleUploadedFile("shortlist.txt", b"vendors"),
        milestone=milestone,
    ).document
    url = f"/api/v1/projects/{cast.project.pk}/documents/{document.pk}/"
    response = send(cast.pm, "PATCH", url, {"visibility": "client"})
    assert response.status_code == 400
    assert response.json()["visibility"] == [
        "A document of an internal milestone or deliverable stays internal."
    ]
    assert _visibility(document) == "internal"


def test_a_document_the_client_uploaded_stays_visible_to_them(cast):
    from projects.services.documents import document_upload

    document = document_upload(
        actor=cast.rep, project=cast.project, file=SimpleUploadedFile("data.csv", b"a,b\n1,2\n")
    ).document
    url = f"/api/v1/projects/{cast.project.pk}/documents/{document.pk}/"
    response = send(cast.pm, "PATCH", url, {"visibility": "internal"})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert "visibility" in response.json()
    assert _visibility(document) == "client"


def test_a_closed_projects_document_keeps_its_visibility(cast):
    document = _document(cast)
    close(cast.project)
    url = f"/api/v1/projects/{cast.project.pk}/documents/{document.pk}/"
    response = send(cast.pm, "PATCH", url, {"visibility": "internal"})
    assert response.status_code == 409
    assert response.json()["code"] == "project_closed"
    assert _visibility(document) == "client"


# --- Deliverables: submitted with files ------------------------------------------------------


def _reviewed_deliverable(cast):
    from projects.services.deliverables import deliverable_create, quality_review_record
    from projects.services.milestones import milestone_create

    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Go-live", due_date=date(2026, 9, 1)
    )
    deliverable = deliverable_create(
        actor=cast.pm, milestone=milestone, name="Runbook", criteria=["Tested"]
    )
    quality_review_record(actor=cast.pm, deliverable=deliverable, passed=True)
    return deliverable


def _submission(deliverable) -> tuple:
    """The deliverable's status, its rounds and its documents, as stored."""
    from projects.models import AcceptanceRound, Deliverable, Document

    return (
        Deliverable.objects.get(pk=deliverable.pk).status,
        list(AcceptanceRound.objects.filter(deliverable=deliverable).values_list("number", "note")),
        list(Document.objects.filter(deliverable=deliverable).values_list("pk", flat=True)),
    )


def _files():
    return [
        SimpleUploadedFile("runbook.txt", b"Step 1: switch over"),
        SimpleUploadedFile("results.csv", b"test,result\nlogin,passed\n"),
    ]


def test_the_pm_submits_a_deliverable_with_files_shared_with_the_client(
    cast, django_capture_on_commit_callbacks
):
    from projects.models import AcceptanceRound, Document, DocumentVersion

    deliverable = _reviewed_deliverable(cast)
    url = f"/api/v1/projects/{cast.project.pk}/deliverables/{deliverable.pk}/submit/"
    with django_capture_on_commit_callbacks(execute=False):
        response = logged_in(cast.pm).post(url, {"note": "Ready", "files": _files()})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    acceptance_round = AcceptanceRound.objects.get(deliverable=deliverable)
    assert (acceptance_round.number, acceptance_round.note) == (1, "Ready")
    documents = Document.objects.filter(deliverable=deliverable).order_by("title")
    assert [(d.title, d.visibility) for d in documents] == [
        ("results.csv", "client"),
        ("runbook.txt", "client"),
    ]
    versions = DocumentVersion.objects.filter(document__deliverable=deliverable)
    assert {v.acceptance_round_id for v in versions} == {acceptance_round.pk}
    assert versions.get(original_name="runbook.txt").file.read() == b"Step 1: switch over"
    listed = logged_in(cast.rep).get(f"/api/v1/projects/{cast.project.pk}/documents/").json()
    assert {row["title"] for row in listed["results"]} >= {"results.csv", "runbook.txt"}


def test_a_submission_in_json_still_attaches_nothing(cast, django_capture_on_commit_callbacks):
    deliverable = _reviewed_deliverable(cast)
    url = f"/api/v1/projects/{cast.project.pk}/deliverables/{deliverable.pk}/submit/"
    with django_capture_on_commit_callbacks(execute=False):
        response = send(cast.pm, "POST", url, {"note": "Ready"})
    assert response.status_code == 200, response.content
    assert _submission(deliverable) == ("submitted", [(1, "Ready")], [])


@pytest.mark.parametrize(("name", "status"), [("teammate", 403), ("rep", 403), ("outsider", 404)])
def test_others_do_not_submit_a_deliverable_with_files(cast, name, status):
    deliverable = _reviewed_deliverable(cast)
    before = _submission(deliverable)
    url = f"/api/v1/projects/{cast.project.pk}/deliverables/{deliverable.pk}/submit/"
    response = logged_in(getattr(cast, name)).post(url, {"note": "x", "files": _files()})
    assert response.status_code == status
    assert _submission(deliverable) == before == ("in_progress", [], [])


@pytest.mark.parametrize(
    ("file", "reason"),
    [
        (SimpleUploadedFile("setup.txt", b"MZ\x90\x00program"), "is a program"),
        (SimpleUploadedFile("empty.txt", b""), "empty"),
    ],
)
def test_a_refused_file_refuses_the_whole_submission(cast, file, reason):
    deliverable = _reviewed_deliverable(cast)
    url = f"/api/v1/projects/{cast.project.pk}/deliverables/{deliverable.pk}/submit/"
    response = logged_in(cast.pm).post(url, {"note": "x", "files": [*_files(), file]})
    assert response.status_code == 400
    assert reason in json.dumps(response.json()["files"])
    assert _submission(deliverable) == ("in_progress", [], [])


def test_a_closed_projects_deliverable_is_not_submitted(cast):
    deliverable = _reviewed_deliverable(cast)
    close(cast.project)
    url = f"/api/v1/projects/{cast.project.pk}/deliverables/{deliverable.pk}/submit/"
    response = logged_in(cast.pm).post(url, {"note": "x", "files": _files()})
    assert response.status_code == 409
    assert response.json()["code"] == "project_closed"
    assert _submission(deliverable) == ("in_progress", [], [])


# --- Baselines: the first one ----------------------------------------------------------------


def _slipped_milestone(cast):
    """A project created to end on 15 September, now 30 September, and a milestone created for
    1 June and moved to 15 June since."""
    from projects.services.milestones import milestone_create, milestone_update

    Project.objects.filter(pk=cast.project.pk).update(
        start_date=date(2026, 3, 2),
        end_date=date(2026, 9, 30),
        baseline_start_date=date(2026, 3, 2),
        baseline_end_date=date(2026, 9, 15),
    )
    cast.project.refresh_from_db()
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2026, 6, 1)
    )
    return milestone_update(actor=cast.pm, milestone=milestone, due_date=date(2026, 6, 15))


def _baselines(cast) -> list:
    from projects.models import Baseline

    return list(Baseline.objects.filter(project=cast.project).values_list("number", "reason"))


@pytest.mark.parametrize(
    ("source", "end", "baseline_due"),
    [("current", "2026-09-30", date(2026, 6, 15)), ("created", "2026-09-15", date(2026, 6, 1))],
)
def test_the_pm_sets_the_first_baseline(cast, source, end, baseline_due):
    from projects.models import BaselineEntry, Milestone

    milestone = _slipped_milestone(cast)
    url = f"/api/v1/projects/{cast.project.pk}/baselines/"
    response = send(cast.pm, "POST", url, {"source": source, "reason": " Signed SoW "})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["reason"], body["set_by"]) == (1, "Signed SoW", "Paula PM")
    assert (body["start_date"], body["end_date"]) == ("2026-03-02", end)
    assert _baselines(cast) == [(1, "Signed SoW")]
    assert Project.objects.get(pk=cast.project.pk).baseline_end_date.isoformat() == end
    assert Milestone.objects.get(pk=milestone.pk).baseline_due_date == baseline_due
    assert Milestone.objects.get(pk=milestone.pk).due_date == date(2026, 6, 15)
    entry = BaselineEntry.objects.get(baseline_id=body["id"], milestone=milestone)
    assert entry.due_date == baseline_due
    response = send(cast.pm, "POST", url, {"source": "current"})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert _baselines(cast) == [(1, "Signed SoW")]


@pytest.mark.parametrize(
    ("name", "status"),
    [("teammate", 403), ("am", 403), ("rep", 403), ("client_admin", 403), ("outsider", 404)],
)
def test_only_the_pm_sets_the_first_baseline(cast, name, status):
    url = f"/api/v1/projects/{cast.project.pk}/baselines/"
    assert send(getattr(cast, name), "POST", url, {"source": "current"}).status_code == status
    assert _baselines(cast) == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "source"),
        ({"source": "later"}, "source"),
        ({"source": "current", "reason": "x" * 5001}, "reason"),
    ],
)
def test_a_baseline_with_bad_input_is_400(cast, data, field):
    response = send(cast.pm, "POST", f"/api/v1/projects/{cast.project.pk}/baselines/", data)
    assert response.status_code == 400
    assert field in response.json()
    assert _baselines(cast) == []


def test_a_closed_project_gets_no_baseline(cast):
    close(cast.project)
    url = f"/api/v1/projects/{cast.project.pk}/baselines/"
    response = send(cast.pm, "POST", url, {"source": "current"})
    assert response.status_code == 409
    assert response.json()["code"] == "project_closed"
    assert _baselines(cast) == []


# --- Rescheduling previews: what would move, nothing saved -----------------------------------


def _linked_plan(cast):
    """Design (2-6 March) then Build (9-13 March), Build waiting for Design, both tied to the
    milestone Pilot (20 March)."""
    from projects.services.milestones import milestone_create
    from projects.services.tasks import dependency_add, task_create

    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2026, 3, 20)
    )
    design = task_create(
        actor=cast.pm,
        project=cast.project,
        name="Design",
        milestone=milestone,
        start_date=date(2026, 3, 2),
        due_date=date(2026, 3, 6),
    )
    build = task_create(
        actor=cast.pm,
        project=cast.project,
        name="Build",
        milestone=milestone,
        start_date=date(2026, 3, 9),
        due_date=date(2026, 3, 13),
    )
    dependency_add(actor=cast.pm, predecessor=design, successor=build)
    return milestone, design, build


def _plan_state(cast) -> tuple:
    """Every task and milestone of the project as stored, with their history."""
    from projects.models import Milestone, Task

    return (
        list(Task.objects.filter(project=cast.project).order_by("pk").values()),
        list(Milestone.objects.filter(project=cast.project).order_by("pk").values()),
        Task.history.filter(project=cast.project).count(),
        Milestone.history.filter(project=cast.project).count(),
    )


def _move(kind, item, old, new, requested=False) -> dict:
    return {
        "kind": kind,
        "id": item.pk,
        "name": item.name,
        "old_start": old[0],
        "old_due": old[1],
        "new_start": new[0],
        "new_due": new[1],
        "is_requested": requested,
    }


def test_a_task_preview_lists_what_would_move_and_saves_nothing(cast):
    _milestone, design, build = _linked_plan(cast)
    before = _plan_state(cast)
    url = f"/api/v1/projects/{cast.project.pk}/tasks/{design.pk}/reschedule-preview/"
    data = {"start_date": "2026-03-09", "due_date": "2026-03-13"}
    response = send(cast.pm, "POST", url, data)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "moves": [
            _move("task", design, ("2026-03-02", "2026-03-06"), ("2026-03-09", "2026-03-13"), True),
            _move("task", build, ("2026-03-09", "2026-03-13"), ("2026-03-16", "2026-03-20")),
        ]
    }
    assert _plan_state(cast) == before
    same = {"start_date": "2026-03-02", "due_date": "2026-03-06"}
    assert send(cast.pm, "POST", url, same).json() == {"moves": []}
    assert send(cast.pm, "POST", url, {"start_date": None, "due_date": None}).json() == {
        "moves": []
    }


def test_a_milestone_preview_lists_what_would_move_and_saves_nothing(cast):
    milestone, design, build = _linked_plan(cast)
    before = _plan_state(cast)
    url = f"/api/v1/projects/{cast.project.pk}/milestones/{milestone.pk}/reschedule-preview/"
    response = send(cast.pm, "POST", url, {"due_date": "2026-03-11"})
    assert response.status_code == 200, response.content
    moves = response.json()["moves"]
    assert moves[0] == _move(
        "milestone", milestone, ("2026-03-20", "2026-03-20"), ("2026-03-11", "2026-03-11"), True
    )
    # Seven working days earlier: the tasks tied to it that would end after it, and the one
    # they wait for, come forward as much.
    assert sorted(moves[1:], key=lambda move: move["new_start"]) == [
        _move("task", design, ("2026-03-02", "2026-03-06"), ("2026-02-19", "2026-02-25")),
        _move("task", build, ("2026-03-09", "2026-03-13"), ("2026-02-26", "2026-03-04")),
    ]
    assert _plan_state(cast) == before
    assert send(cast.pm, "POST", url, {"due_date": "2026-03-20"}).json() == {"moves": []}


def test_a_summary_tasks_preview_keeps_its_subtasks_dates(cast):
    from projects.services.tasks import task_create

    summary = task_create(actor=cast.pm, project=cast.project, name="Phase 1")
    task_create(
        actor=cast.pm,
        project=cast.project,
        name="Step",
        parent=summary,
        start_date=date(2026, 3, 2),
        due_date=date(2026, 3, 6),
    )
    before = _plan_state(cast)
    url = f"/api/v1/projects/{cast.project.pk}/tasks/{summary.pk}/reschedule-preview/"
    data = {"start_date": "2026-04-06", "due_date": "2026-04-10"}
    response = send(cast.pm, "POST", url, data)
    assert response.status_code == 200
    assert response.json() == {"moves": []}
    assert _plan_state(cast) == before


@pytest.mark.parametrize(
    ("name", "status"),
    [("teammate", 403), ("am", 403), ("rep", 403), ("client_admin", 403), ("outsider", 404)],
)
def test_only_the_pm_previews_a_reschedule(cast, name, status):
    milestone, design, _build = _linked_plan(cast)
    before = _plan_state(cast)
    base = f"/api/v1/projects/{cast.project.pk}"
    user = getattr(cast, name)
    response = send(
        user,
        "POST",
        f"{base}/tasks/{design.pk}/reschedule-preview/",
        {"start_date": "2026-03-09", "due_date": "2026-03-13"},
    )
    assert response.status_code == status
    assert "moves" not in response.json()
    response = send(
        user,
        "POST",
        f"{base}/milestones/{milestone.pk}/reschedule-preview/",
        {"due_date": "2026-03-11"},
    )
    assert response.status_code == status
    assert "moves" not in response.json()
    assert _plan_state(cast) == before


@pytest.mark.parametrize(
    ("collection", "data", "field"),
    [
        ("tasks", {"start_date": "2026-03-09", "due_date": "2026-03-06"}, "due_date"),
        ("tasks", {"start_date": "2026-03-09"}, "due_date"),
        ("tasks", {"start_date": "9 March", "due_date": "2026-03-13"}, "start_date"),
        ("milestones", {}, "due_date"),
        ("milestones", {"due_date": "soon"}, "due_date"),
    ],
)
def test_a_preview_with_bad_dates_is_400(cast, collection, data, field):
    milestone, design, _build = _linked_plan(cast)
    before = _plan_state(cast)
    item = design if collection == "tasks" else milestone
    url = f"/api/v1/projects/{cast.project.pk}/{collection}/{item.pk}/reschedule-preview/"
    response = send(cast.pm, "POST", url, data)
    assert response.status_code == 400
    assert field in response.json()
    assert _plan_state(cast) == before


def test_a_closed_projects_plan_is_not_previewed_as_on_its_pages(cast):
    milestone, design, _build = _linked_plan(cast)
    close(cast.project)
    base = f"/api/v1/projects/{cast.project.pk}"
    for url, data in [
        (
            f"{base}/tasks/{design.pk}/reschedule-preview/",
            {"start_date": "2026-03-09", "due_date": "2026-03-13"},
        ),
        (f"{base}/milestones/{milestone.pk}/reschedule-preview/", {"due_date": "2026-03-11"}),
    ]:
        response = send(cast.pm, "POST", url, data)
        assert response.status_code == 409
        assert response.json()["code"] == "project_closed"
