"""The plan (milestones and their deliverables) exports to CSV and Excel for the team."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from projects.models import Visibility
from projects.services.deliverables import deliverable_create
from projects.services.milestones import milestone_create
from tests.helpers import assert_queries_constant, logged_in

pytestmark = pytest.mark.django_db


def _plan(cast, count=1):
    for index in range(count):
        milestone = milestone_create(
            actor=cast.pm,
            project=cast.project,
            name=f"+Launch {index}",
            due_date=date(2026, 6, 1),
            visibility=Visibility.INTERNAL,
        )
        deliverable_create(
            actor=cast.pm, milestone=milestone, name=f"Manual {index}", criteria=["Reviewed"]
        )


def test_plan_workbook_lists_milestones_and_deliverables(cast):
    _plan(cast)
    response = logged_in(cast.pm).get(reverse("projects:plan_xlsx", args=[cast.project.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    launch = rows["+Launch 0"]
    assert launch[1].data_type == "s"
    assert launch[4].is_date
    assert launch[-1].value == "Internal"
    assert rows["Manual 0"][2].value == "+Launch 0"


def test_plan_export_is_for_the_team_only(cast):
    url = reverse("projects:plan_csv", args=[cast.project.pk])
    assert logged_in(cast.rep).get(url).status_code == 302


def test_plan_export_query_count_does_not_grow(cast):
    url = reverse("projects:plan_csv", args=[cast.project.pk])
    assert_queries_constant(logged_in(cast.pm), url, lambda count: _plan(cast, count))
