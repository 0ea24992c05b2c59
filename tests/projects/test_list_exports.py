"""The staff side's remaining lists export to CSV and Excel with the page's columns and the
page's permissions: an account manager's clients and a client's projects, project templates,
the resource view, a project's undelivered e-mails and the operations page's failed e-mails."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxMessage
from projects.models import Role
from projects.services.tasks import task_create
from projects.services.templates import template_save
from tests.factories import ProjectFactory, UserFactory, add_member
from tests.helpers import (
    assert_queries_constant,
    export_rows,
    export_sheet,
    export_text,
    logged_in,
)

pytestmark = pytest.mark.django_db


# --- Clients ---------------------------------------------------------------------------------


def _client_projects(cast, count=1):
    for _index in range(count):
        ProjectFactory(client=cast.project.client, name="=SUM(A1)")


def test_an_account_managers_clients_with_their_active_projects(cast):
    rows = export_rows(logged_in(cast.am).get(reverse("clients:list_csv")))
    assert rows == [["Client", "Active projects"], [cast.project.client.name, "1"]]
    sheet = export_sheet(logged_in(cast.am).get(reverse("clients:list_xlsx")))
    assert sheet["B2"].value == 1


def test_a_person_without_clients_gets_an_empty_file(cast):
    rows = export_rows(logged_in(cast.teammate).get(reverse("clients:list_csv")))
    assert rows == [["Client", "Active projects"]]


def test_a_clients_projects_with_the_pages_columns(cast):
    _client_projects(cast)
    url = reverse("clients:projects_csv", args=[cast.project.client_id])
    rows = export_rows(logged_in(cast.staff_admin).get(url))
    assert rows[0] == ["Code", "Project", "Client", "Start", "End", "Members"]
    assert sorted(row[1] for row in rows[1:]) == ["'=SUM(A1)", "A One"]
    assert "B One" not in export_text(logged_in(cast.staff_admin).get(url))
    url = reverse("clients:projects_xlsx", args=[cast.project.client_id])
    sheet = export_sheet(logged_in(cast.staff_admin).get(url))
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    assert rows["A One"][5].value == len(cast.project.memberships.all())
    assert rows["=SUM(A1)"][1].data_type == "s"
    # As on the page, the account manager reads the client's projects they see.
    rows = export_rows(logged_in(cast.am).get(url.replace(".xlsx", ".csv")))
    assert [row[1] for row in rows[1:]] == ["A One"]


@pytest.mark.parametrize(("person", "status"), [("pm", 404), ("rep", 302), ("outsider", 404)])
def test_a_clients_projects_are_for_its_account_manager(cast, person, status):
    url = reverse("clients:projects_csv", args=[cast.project.client_id])
    assert logged_in(getattr(cast, person)).get(url).status_code == status


# --- Project templates -----------------------------------------------------------------------


def _templates(cast, count=1):
    cast.project.start_date = date(2027, 1, 4)
    cast.project.save(update_fields=["start_date"])
    for index in range(count):
        template_save(
            actor=cast.pm, project=cast.project, name=f"@Rollout {index}", description="WMS"
        )


def test_templates_with_what_they_hold_and_who_saved_them(cast):
    _templates(cast)
    rows = export_rows(logged_in(cast.teammate).get(reverse("projects:templates_csv")))
    assert rows[0] == [
        "Template",
        "Description",
        "Milestones",
        "Deliverables",
        "Tasks",
        "Saved from",
        "Saved by",
        "Saved on",
    ]
    assert rows[1][:2] == ["'@Rollout 0", "WMS"]
    assert rows[1][5:7] == ["a-one", str(cast.pm)]
    sheet = export_sheet(logged_in(cast.pm).get(reverse("projects:templates_xlsx")))
    assert sheet["A2"].value == "@Rollout 0"
    assert isinstance(sheet["C2"].value, int)
    assert sheet["H2"].is_date


def test_clients_are_sent_to_the_portal_from_templates(cast):
    assert logged_in(cast.rep).get(reverse("projects:templates_csv")).status_code == 302


# --- Resources -------------------------------------------------------------------------------


def _plan(cast, count=1):
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    for index in range(count):
        task_create(
            actor=cast.pm,
            project=cast.project,
            name=f"Task {index}",
            assignee=cast.teammate,
            estimate_hours=Decimal(45),
            start_date=monday,
            due_date=monday + timedelta(days=4),
        )


def test_resources_one_line_per_person_and_week(cast):
    _plan(cast)
    rows = export_rows(logged_in(cast.pm).get(reverse("projects:resources_csv")))
    assert rows[0] == [
        "Person",
        "Week",
        "Week starts",
        "Planned hours",
        "Capacity (hours)",
        "Over-allocated",
        "On leave",
    ]
    team = [row for row in rows[1:] if row[0] == "Tina Team"]
    assert len(team) == 8
    assert team[0][3:] == ["45.0", "40", "yes", "no"]
    assert team[1][3:6] == ["0.0", "40", "no"]
    sheet = export_sheet(logged_in(cast.staff_admin).get(reverse("projects:resources_xlsx")))
    line = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Tina Team")
    assert line[2].is_date
    assert line[3].value == 45
    assert line[4].value == 40


@pytest.mark.parametrize(("person", "status"), [("teammate", 403), ("am", 403), ("rep", 302)])
def test_resources_are_for_pms_and_staff_admins(cast, person, status):
    response = logged_in(getattr(cast, person)).get(reverse("projects:resources_xlsx"))
    assert response.status_code == status


# --- Failed e-mails --------------------------------------------------------------------------


def _failed(cast, count=1, project=None):
    for _index in range(count):
        OutboxMessage.objects.create(
            kind="report",
            to_email="rep@a.test",
            language="en",
            message_id=f"<{uuid.uuid4()}@rapport.test>",
            project_id=(project or cast.project).pk,
            subject="=Weekly report",
            body_text="Your reset link: secret-token",
            status=OutboxMessage.Status.FAILED,
            attempts=3,
            last_error="550 mailbox unknown",
            last_attempt_at=timezone.now(),
        )


def test_a_projects_failed_emails_without_their_text(cast):
    _failed(cast)
    _failed(cast, project=cast.other_project)
    url = reverse("projects:failed_emails_csv", args=[cast.project.pk])
    rows = export_rows(logged_in(cast.pm).get(url))
    assert rows[0] == ["Recipient", "Subject", "Reason", "Attempts", "Last attempt"]
    assert len(rows) == 2
    assert rows[1][:4] == ["rep@a.test", "'=Weekly report", "550 mailbox unknown", "3"]
    url = reverse("projects:failed_emails_xlsx", args=[cast.project.pk])
    sheet = export_sheet(logged_in(cast.pm).get(url))
    assert sheet["B2"].data_type == "s"
    assert sheet["D2"].value == 3
    assert sheet["E2"].is_date
    assert "secret-token" not in export_text(logged_in(cast.pm).get(url))


@pytest.mark.parametrize(("person", "status"), [("teammate", 403), ("am", 403), ("rep", 302)])
def test_a_projects_failed_emails_are_for_its_pm(cast, person, status):
    url = reverse("projects:failed_emails_csv", args=[cast.project.pk])
    assert logged_in(getattr(cast, person)).get(url).status_code == status


def test_the_operations_file_holds_every_projects_failures(cast):
    _failed(cast)
    _failed(cast, project=cast.other_project)
    response = logged_in(cast.staff_admin).get(reverse("operations:outbox_failures_xlsx"))
    sheet = export_sheet(response)
    assert sheet.max_row == 3
    assert "secret-token" not in export_text(response)


@pytest.mark.parametrize("person", ["pm", "am"])
def test_the_operations_file_is_for_staff_admins(cast, person):
    response = logged_in(getattr(cast, person)).get(reverse("operations:outbox_failures_csv"))
    assert response.status_code == 403


# --- The pages link their exports, and each export reads a fixed number of queries -----------


def test_the_pages_link_their_exports(cast):
    _failed(cast)
    pages = {
        (cast.am, reverse("clients:list")): reverse("clients:list_csv"),
        (cast.am, reverse("clients:detail", args=[cast.project.client_id])): reverse(
            "clients:projects_xlsx", args=[cast.project.client_id]
        ),
        (cast.pm, reverse("projects:templates")): reverse("projects:templates_csv"),
        (cast.pm, reverse("projects:resources")): reverse("projects:resources_xlsx"),
        (cast.pm, reverse("projects:failed_emails", args=[cast.project.pk])): reverse(
            "projects:failed_emails_csv", args=[cast.project.pk]
        ),
        (cast.staff_admin, reverse("operations:overview")): reverse(
            "operations:outbox_failures_xlsx"
        ),
    }
    for (person, page), export in pages.items():
        assert export in logged_in(person).get(page).content.decode(), page


def _more_clients(cast, count):
    for _index in range(count):
        project = ProjectFactory()
        add_member(project, cast.am, Role.AM)


@pytest.mark.parametrize(
    ("person", "name", "args", "fill"),
    [
        ("am", "clients:list_xlsx", [], _more_clients),
        ("am", "clients:projects_csv", ["client"], _client_projects),
        ("pm", "projects:templates_xlsx", [], _templates),
        ("pm", "projects:failed_emails_csv", ["project"], _failed),
        ("staff_admin", "operations:outbox_failures_xlsx", [], _failed),
    ],
)
def test_export_query_counts_do_not_grow(cast, person, name, args, fill):
    values = {"client": cast.project.client_id, "project": cast.project.pk}
    url = reverse(name, args=[values[arg] for arg in args])
    assert_queries_constant(logged_in(getattr(cast, person)), url, lambda count: fill(cast, count))


def test_resource_export_query_count_does_not_grow(cast):
    def grow(count):
        _plan(cast, count)
        person = UserFactory()
        add_member(cast.project, person, Role.TEAM_MEMBER)

    assert_queries_constant(logged_in(cast.pm), reverse("projects:resources_csv"), grow)
