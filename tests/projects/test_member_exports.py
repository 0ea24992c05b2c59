"""A project's members export to CSV and Excel on both sides, as the members page lists them:
name, e-mail, organisation and role; never the members of another project."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Role
from tests.factories import UserFactory, add_member
from tests.helpers import (
    assert_queries_constant,
    export_rows,
    export_sheet,
    export_text,
    logged_in,
)

pytestmark = pytest.mark.django_db


def _members(cast, count=1):
    for _index in range(count):
        person = UserFactory(display_name='=HYPERLINK("http://x")')
        add_member(cast.project, person, Role.TEAM_MEMBER)


def test_staff_csv_lists_the_members_with_the_pages_columns(cast):
    _members(cast)
    rows = export_rows(
        logged_in(cast.pm).get(reverse("projects:members_csv", args=[cast.project.pk]))
    )
    assert rows[0] == ["Name", "E-mail", "Organisation", "Role"]
    names = [row[0] for row in rows[1:]]
    assert "Paula PM" in names
    assert "Rory Rep" in names
    assert '\'=HYPERLINK("http://x")' in names  # a formula is neutralised
    assert "Bea B-Rep" not in names  # a member of another project
    rep = next(row for row in rows if row[0] == "Rory Rep")
    assert rep[1:] == ["rep@a.test", cast.rep.organization.name, "Customer representative"]


def test_staff_workbook_keeps_formulas_as_text(cast):
    _members(cast)
    url = reverse("projects:members_xlsx", args=[cast.project.pk])
    sheet = export_sheet(logged_in(cast.teammate).get(url))
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    formula = next(cell for cell in cells if str(cell.value).startswith("="))
    assert formula.data_type == "s"


@pytest.mark.parametrize("name", ["portal:project_members_csv", "portal:project_members_xlsx"])
def test_a_clients_file_holds_the_projects_members_only(cast, name):
    text = export_text(logged_in(cast.viewer).get(reverse(name, args=[cast.project.pk])))
    assert "Vera Viewer" in text
    assert "Paula PM" in text
    assert "Bea B-Rep" not in text
    assert "rep@b.test" not in text


@pytest.mark.parametrize(
    ("person", "name", "status"),
    [
        ("outsider", "projects:members_csv", 404),
        ("rep", "projects:members_xlsx", 302),
        ("other_client_rep", "portal:project_members_csv", 404),
        ("pm", "portal:project_members_xlsx", 302),
    ],
)
def test_people_without_access_are_refused(cast, person, name, status):
    response = logged_in(getattr(cast, person)).get(reverse(name, args=[cast.project.pk]))
    assert response.status_code == status


def test_the_members_pages_link_their_exports(cast):
    page = logged_in(cast.pm).get(reverse("projects:members", args=[cast.project.pk]))
    assert reverse("projects:members_csv", args=[cast.project.pk]) in page.content.decode()
    page = logged_in(cast.rep).get(reverse("portal:project_members", args=[cast.project.pk]))
    assert reverse("portal:project_members_xlsx", args=[cast.project.pk]) in page.content.decode()


@pytest.mark.parametrize(
    ("person", "name"),
    [("pm", "projects:members_xlsx"), ("client_admin", "portal:project_members_csv")],
)
def test_member_export_query_count_does_not_grow(cast, person, name):
    client = logged_in(getattr(cast, person))
    url = reverse(name, args=[cast.project.pk])
    assert_queries_constant(client, url, lambda count: _members(cast, count))
