"""The register's Excel export: the same rows as the page for each side, typed cells."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from projects.models import Visibility
from risks.services.register import risk_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def risks(cast):
    internal = risk_create(
        actor=cast.pm,
        project=cast.project,
        title='=HYPERLINK("http://evil.example","x")',
        probability=5,
        impact=5,
        next_review_date=date(2026, 1, 1),
    )
    shared = risk_create(
        actor=cast.pm,
        project=cast.project,
        title="Shared risk",
        probability=2,
        impact=2,
        visibility=Visibility.CLIENT,
    )
    return internal, shared


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows()]


def test_staff_workbook_keeps_formulas_as_text_numbers_as_numbers_and_says_internal(
    cast, client, risks
):
    client.force_login(cast.pm)
    rows = _rows(client.get(reverse("risks:export_xlsx", args=[cast.project.pk])))
    header = [cell.value for cell in rows[0]]
    assert header[-1] == "Visibility"
    by_title = {row[1].value: row for row in rows[1:]}
    formula = by_title['=HYPERLINK("http://evil.example","x")']
    assert formula[1].data_type == "s"
    assert formula[6].value == 25
    assert formula[6].data_type == "n"
    assert formula[12].is_date
    assert formula[-1].value == "Internal"
    assert by_title["Shared risk"][-1].value == "Visible to client"


def test_client_workbook_holds_client_visible_risks_and_no_visibility_column(cast, client, risks):
    client.force_login(cast.rep)
    rows = _rows(client.get(reverse("risks:portal_export_xlsx", args=[cast.project.pk])))
    assert [row[1].value for row in rows[1:]] == ["Shared risk"]
    assert "Visibility" not in [cell.value for cell in rows[0]]


def test_the_workbook_takes_the_pages_filters(cast, client, risks):
    client.force_login(cast.pm)
    url = reverse("risks:export_xlsx", args=[cast.project.pk])
    rows = _rows(client.get(url, {"level": "critical"}))
    assert [row[1].value for row in rows[1:]] == ['=HYPERLINK("http://evil.example","x")']


def test_chinese_reader_gets_chinese_headers(cast, client, risks):
    cast.pm.language = "zh-hans"
    cast.pm.save(update_fields=["language"])
    client.force_login(cast.pm)
    rows = _rows(client.get(reverse("risks:export_xlsx", args=[cast.project.pk])))
    assert rows[0][1].value == "标题"
