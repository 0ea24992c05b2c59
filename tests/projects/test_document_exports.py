"""The documents' metadata exports to CSV and Excel for the team, internal ones marked."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Visibility
from projects.services.documents import document_upload
from tests.helpers import assert_queries_constant, logged_in

pytestmark = pytest.mark.django_db


def _documents(cast, count=1):
    for index in range(count):
        for visibility in (Visibility.CLIENT, Visibility.INTERNAL):
            document_upload(
                actor=cast.pm,
                project=cast.project,
                file=SimpleUploadedFile(f"plan-{index}.pdf", b"%PDF-1.4 plan"),
                title=f"=Plan {visibility} {index}",
                visibility=visibility,
            )


def test_document_workbook_lists_metadata_with_visibility(cast):
    _documents(cast)
    response = logged_in(cast.pm).get(reverse("projects:documents_xlsx", args=[cast.project.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    internal = rows["=Plan internal 0"]
    assert internal[0].data_type == "s"
    assert internal[-1].value == "Internal"
    assert internal[3].value == 1
    assert internal[4].value == "plan-0.pdf"
    assert internal[7].is_date


def test_document_export_is_for_the_team_only(cast):
    url = reverse("projects:documents_csv", args=[cast.project.pk])
    assert logged_in(cast.rep).get(url).status_code == 302


def test_document_export_query_count_does_not_grow(cast):
    client = logged_in(cast.pm)
    url = reverse("projects:documents_csv", args=[cast.project.pk])
    assert_queries_constant(client, url, lambda count: _documents(cast, count))
