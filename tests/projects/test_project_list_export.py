"""My projects exports to CSV and Excel: the projects of the list, with its filters."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from projects.models import Role
from tests.factories import ProjectFactory, add_member
from tests.helpers import assert_queries_constant, logged_in

pytestmark = pytest.mark.django_db


def _projects(cast, count):
    for _index in range(count):
        add_member(ProjectFactory(client=cast.project.client), cast.pm, Role.PM)


def test_project_list_exports_the_pms_projects_with_the_filters(cast):
    client = logged_in(cast.pm)
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("projects:list_csv")).content.decode("utf-8-sig"))
        )
    )
    assert rows[0][:3] == ["Code", "Project", "Client"]
    assert [row[0] for row in rows[1:]] == [cast.project.code]
    other = cast.other_project.client_id
    filtered = client.get(reverse("projects:list_xlsx"), {"client": other})
    sheet = openpyxl.load_workbook(io.BytesIO(filtered.content)).worksheets[0]
    assert sheet.max_row == 1  # the PM has no project of the other client


def test_project_list_workbook_keeps_numbers(cast):
    response = logged_in(cast.pm).get(reverse("projects:list_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["H2"].data_type == "n"


def test_project_list_export_query_count_does_not_grow(cast):
    client = logged_in(cast.pm)
    assert_queries_constant(
        client, reverse("projects:list_xlsx"), lambda count: _projects(cast, count)
    )
