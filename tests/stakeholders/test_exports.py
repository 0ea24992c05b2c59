"""Requirements and change requests export to CSV and Excel with the page's scope and filters:
the staff file says what is internal, the client's holds only client-visible rows."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from projects.models import Visibility
from stakeholders.models import Requirement
from stakeholders.services.changes import change_request_create
from stakeholders.services.register import stakeholder_create
from stakeholders.services.requirements import requirement_create
from tests.helpers import assert_queries_constant, logged_in

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","x")'


def _requirements(cast, count=1):
    for index in range(count):
        requirement_create(
            actor=cast.pm,
            project=cast.project,
            title=f"{FORMULA} {index}" if index else FORMULA,
            priority=Requirement.Priority.MUST,
            visibility=Visibility.CLIENT,
        )
        requirement_create(
            actor=cast.pm,
            project=cast.project,
            title=f"Internal requirement {index}",
            priority=Requirement.Priority.COULD,
            visibility=Visibility.INTERNAL,
        )


def _change_requests(cast, count=1):
    for index in range(count):
        change_request_create(
            actor=cast.pm, project=cast.project, title=FORMULA, visibility=Visibility.CLIENT
        )
        change_request_create(
            actor=cast.pm,
            project=cast.project,
            title=f"Internal change {index}",
            visibility=Visibility.INTERNAL,
        )


def _sheet(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]


def _csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_staff_requirement_exports_mark_internal_rows_and_keep_formulas_as_text(cast):
    _requirements(cast)
    client = logged_in(cast.pm)
    rows = _csv(client.get(reverse("stakeholders:requirements_csv", args=[cast.project.pk])))
    assert rows[0] == [
        "Reference",
        "Title",
        "Priority",
        "Status",
        "Version",
        "Created",
        "Updated",
        "Visibility",
    ]
    assert [(row[1], row[-1]) for row in rows[1:]] == [
        ("'" + FORMULA, "Visible to client"),
        ("Internal requirement 0", "Internal"),
    ]
    sheet = _sheet(client.get(reverse("stakeholders:requirements_xlsx", args=[cast.project.pk])))
    assert sheet["B2"].value == FORMULA
    assert sheet["B2"].data_type == "s"
    assert sheet["E2"].value == 1
    assert sheet["E2"].data_type == "n"
    assert sheet["F2"].is_date
    assert sheet["H3"].value == "Internal"


def test_client_requirement_exports_hold_no_internal_row_or_column(cast):
    _requirements(cast)
    client = logged_in(cast.rep)
    for name in ("portal:requirements_csv", "portal:requirements_xlsx"):
        response = client.get(reverse(name, args=[cast.project.pk]))
        assert response.status_code == 200
    rows = _csv(client.get(reverse("portal:requirements_csv", args=[cast.project.pk])))
    assert "Visibility" not in rows[0]
    assert [row[1] for row in rows[1:]] == ["'" + FORMULA]
    sheet = _sheet(client.get(reverse("portal:requirements_xlsx", args=[cast.project.pk])))
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [FORMULA]


def test_requirement_exports_take_the_pages_filters(cast):
    _requirements(cast)
    client = logged_in(cast.pm)
    url = reverse("stakeholders:requirements_xlsx", args=[cast.project.pk])
    sheet = _sheet(client.get(url, {"priority": Requirement.Priority.COULD}))
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Internal requirement 0"
    ]
    page = client.get(
        reverse("stakeholders:requirements", args=[cast.project.pk]),
        {"priority": Requirement.Priority.COULD},
    )
    assert f"{url}?priority={Requirement.Priority.COULD}" in page.content.decode()


def test_change_request_exports_by_side(cast):
    _change_requests(cast)
    staff = _sheet(
        logged_in(cast.pm).get(reverse("stakeholders:change_requests_xlsx", args=[cast.project.pk]))
    )
    by_title = {row[1]: row for row in staff.iter_rows(min_row=2, values_only=True)}
    assert by_title["Internal change 0"][-1] == "Internal"
    assert by_title[FORMULA][6] == 0
    client = logged_in(cast.rep)
    rows = _csv(client.get(reverse("portal:change_requests_csv", args=[cast.project.pk])))
    assert "Visibility" not in rows[0]
    assert [row[1] for row in rows[1:]] == ["'" + FORMULA]
    sheet = _sheet(client.get(reverse("portal:change_requests_xlsx", args=[cast.project.pk])))
    cell = sheet["B2"]
    assert (cell.value, cell.data_type) == (FORMULA, "s")


def test_chinese_reader_gets_chinese_headers(cast):
    cast.rep.language = "zh-hans"
    cast.rep.save(update_fields=["language"])
    _requirements(cast)
    sheet = _sheet(
        logged_in(cast.rep).get(reverse("portal:requirements_xlsx", args=[cast.project.pk]))
    )
    assert sheet["B1"].value == "标题"


@pytest.mark.parametrize(
    ("person", "name", "fill"),
    [
        ("pm", "stakeholders:requirements_xlsx", _requirements),
        ("rep", "portal:requirements_csv", _requirements),
        ("pm", "stakeholders:change_requests_csv", _change_requests),
        ("rep", "portal:change_requests_xlsx", _change_requests),
    ],
)
def test_export_query_counts_do_not_grow_with_rows(cast, person, name, fill):
    client = logged_in(getattr(cast, person))
    url = reverse(name, args=[cast.project.pk])
    assert_queries_constant(client, url, lambda count: fill(cast, count))


def _stakeholders(cast, count=1):
    for index in range(count):
        stakeholder_create(
            actor=cast.pm,
            project=cast.project,
            name=f"@Sponsor {index}",
            influence=5,
            interest=4,
        )


def test_register_exports_for_the_team_with_numbers_and_visibility(cast):
    _stakeholders(cast)
    client = logged_in(cast.pm)
    sheet = _sheet(client.get(reverse("stakeholders:register_xlsx", args=[cast.project.pk])))
    assert sheet["A2"].value == "@Sponsor 0"
    assert sheet["A2"].data_type == "s"
    assert (sheet["E2"].value, sheet["F2"].value) == (5, 4)
    assert sheet["I2"].value == "Internal"
    rows = _csv(client.get(reverse("stakeholders:register_csv", args=[cast.project.pk])))
    assert rows[1][0] == "'@Sponsor 0"
    url = reverse("stakeholders:register_csv", args=[cast.project.pk])
    assert logged_in(cast.rep).get(url).status_code == 302


def test_register_export_query_count_does_not_grow(cast):
    client = logged_in(cast.pm)
    url = reverse("stakeholders:register_xlsx", args=[cast.project.pk])
    assert_queries_constant(client, url, lambda count: _stakeholders(cast, count))
