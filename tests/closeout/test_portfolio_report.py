"""The staff admins' portfolio report: every project with its PM, AM and closeout state; CSV
and Excel with the same permission and the same rows."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from closeout.services import closure_request
from projects.models import Role
from tests.closeout.world import ready_to_close
from tests.factories import ProjectFactory, add_member
from tests.helpers import count_queries, logged_in


def _xlsx_strings(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return book.read("xl/sharedStrings.xml").decode()


def test_the_report_lists_every_project_with_people_and_closeout_state(cast):
    ready_to_close(cast)
    closure_request(actor=cast.pm, project=cast.project)
    client = logged_in(cast.staff_admin)
    page = client.get("/portfolio/report/")
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('data-testid="report-row"') == 2  # the cast's two projects
    assert "Awaiting final acceptance" in body
    assert cast.pm.display_name in body
    assert cast.am.display_name in body

    rows = list(csv.reader(io.StringIO(client.get("/portfolio/report.csv").content.decode())))
    assert rows[0][:7] == [
        "\ufeffCode",
        "Project",
        "Client",
        "Phase",
        "Health",
        "Project manager",
        "Account manager",
    ]
    line = next(row for row in rows if row[0] == cast.project.code)
    assert line[3] == "Closing"
    assert (line[5], line[6], line[13]) == (
        cast.pm.display_name,
        cast.am.display_name,
        "Awaiting final acceptance",
    )

    workbook = client.get("/portfolio/report.xlsx")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    strings = _xlsx_strings(workbook.content)
    assert cast.project.name in strings
    assert "Awaiting final acceptance" in strings


def test_the_report_filters_like_the_page(cast):
    client = logged_in(cast.staff_admin)
    only_b = client.get(f"/portfolio/report.csv?client={cast.other_project.client_id}")
    codes = [row[0] for row in csv.reader(io.StringIO(only_b.content.decode()))][1:]
    assert codes == [cast.other_project.code]


@pytest.mark.parametrize("role_name", ["pm", "am", "teammate", "outsider"])
def test_only_staff_admins_get_the_report(cast, role_name):
    client = logged_in(cast.by_name(role_name))
    for url in ("/portfolio/report/", "/portfolio/report.csv", "/portfolio/report.xlsx"):
        assert client.get(url).status_code == 404


def test_a_formula_in_a_name_stays_text_in_both_exports(cast):
    cast.project.name = '=HYPERLINK("http://x")'
    cast.project.save()
    client = logged_in(cast.staff_admin)
    text = client.get("/portfolio/report.csv").content.decode()
    assert "'=HYPERLINK" in text
    with zipfile.ZipFile(io.BytesIO(client.get("/portfolio/report.xlsx").content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet


def test_the_report_keeps_its_query_count_as_projects_grow(cast):
    client = logged_in(cast.staff_admin)
    few = count_queries(client, "/portfolio/report/", warm=True)
    for n in range(12):
        project = ProjectFactory(client=cast.project.client, code=f"more-{n}", name=f"More {n}")
        add_member(project, cast.pm, Role.PM)
    assert count_queries(client, "/portfolio/report/", warm=True) == few
