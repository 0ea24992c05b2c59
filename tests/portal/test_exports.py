"""The portal's own lists export to CSV and Excel: my projects, a project's milestones and
deliverables, its documents' details. A client's file holds only what their page shows."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Visibility
from projects.services.deliverables import deliverable_create
from projects.services.documents import document_upload
from projects.services.milestones import milestone_create
from tests.helpers import assert_queries_constant, logged_in

pytestmark = pytest.mark.django_db


def _csv(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _sheet(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]


def _text(response) -> str:
    if response["Content-Type"].startswith("text/csv"):
        return response.content.decode("utf-8-sig")
    sheet = _sheet(response)
    return "\n".join(str(value) for row in sheet.iter_rows(values_only=True) for value in row)


def _plan(cast, count=1):
    for index in range(count):
        shared = milestone_create(
            actor=cast.pm,
            project=cast.project,
            name=f"=Design {index}",
            due_date=date(2027, 3, 1 + index),
        )
        deliverable_create(
            actor=cast.pm, milestone=shared, name=f"Blueprint {index}", criteria=["Signed"]
        )
        deliverable_create(
            actor=cast.pm,
            milestone=shared,
            name=f"Secret margin sheet {index}",
            criteria=["Checked"],
            visibility=Visibility.INTERNAL,
        )
        milestone_create(
            actor=cast.pm,
            project=cast.project,
            name=f"Team offsite {index}",
            due_date=date(2027, 4, 1),
            visibility=Visibility.INTERNAL,
        )
        milestone_create(
            actor=cast.pm, project=cast.project, name=f"Go-live {index}", due_date=date(2027, 5, 1)
        )


def _documents(cast, count=1):
    for index in range(count):
        for visibility in (Visibility.CLIENT, Visibility.INTERNAL):
            document_upload(
                actor=cast.pm,
                project=cast.project,
                file=SimpleUploadedFile(f"doc-{visibility}-{index}.pdf", b"%PDF-1.4 doc"),
                title=f"@Doc {visibility} {index}",
                visibility=visibility,
            )


# --- My projects ------------------------------------------------------------------------------


def test_my_projects_export_with_the_lists_columns(cast):
    rows = _csv(logged_in(cast.rep).get(reverse("portal:project_list_csv")))
    assert rows[0] == ["Code", "Project", "Client", "Start", "End", "Members"]
    assert [row[0] for row in rows[1:]] == ["a-one"]  # not client B's project
    sheet = _sheet(logged_in(cast.rep).get(reverse("portal:project_list_xlsx")))
    assert sheet["B2"].value == "A One"
    assert isinstance(sheet["F2"].value, int)


def test_provider_people_are_sent_to_the_staff_app(cast):
    assert logged_in(cast.pm).get(reverse("portal:project_list_csv")).status_code == 302


# --- Deliverables -----------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["client_admin", "rep", "viewer"])
def test_deliverables_hold_client_visible_items_only(cast, person):
    _plan(cast)
    url = reverse("portal:deliverables_xlsx", args=[cast.project.pk])
    sheet = _sheet(logged_in(getattr(cast, person)).get(url))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[3]) for row in rows] == [("=Design 0", "Blueprint 0"), ("Go-live 0", None)]
    assert sheet["A2"].data_type == "s"  # a formula stays text
    assert sheet["B2"].is_date
    text = _text(logged_in(getattr(cast, person)).get(url))
    assert "Secret margin" not in text
    assert "offsite" not in text


def test_deliverables_csv_neutralises_formulas(cast):
    _plan(cast)
    url = reverse("portal:deliverables_csv", args=[cast.project.pk])
    rows = _csv(logged_in(cast.rep).get(url))
    assert rows[0] == [
        "Milestone",
        "Due",
        "Milestone status",
        "Deliverable",
        "Deliverable status",
    ]
    assert rows[1][0] == "'=Design 0"
    assert rows[1][1] == "2027-03-01"


@pytest.mark.parametrize("name", ["portal:deliverables_csv", "portal:documents_xlsx"])
def test_another_clients_rep_finds_nothing(cast, name):
    response = logged_in(cast.other_client_rep).get(reverse(name, args=[cast.project.pk]))
    assert response.status_code == 404


# --- Documents --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["portal:documents_csv", "portal:documents_xlsx"])
def test_documents_hold_client_visible_ones_and_no_uploader(cast, name):
    _documents(cast)
    response = logged_in(cast.rep).get(reverse(name, args=[cast.project.pk]))
    text = _text(response)
    assert "@Doc client 0" in text
    assert "internal" not in text.lower()
    assert cast.pm.display_name not in text
    assert "Uploaded by" not in text
    assert "Visibility" not in text


def test_document_workbook_keeps_numbers_and_dates(cast):
    _documents(cast)
    url = reverse("portal:documents_xlsx", args=[cast.project.pk])
    sheet = _sheet(logged_in(cast.viewer).get(url))
    row = next(sheet.iter_rows(min_row=2))
    assert row[0].value == "@Doc client 0"
    assert row[0].data_type == "s"
    assert row[3].value == 1
    assert isinstance(row[5].value, int)
    assert row[6].is_date
    assert row[7].value == "no"
    rows = _csv(logged_in(cast.viewer).get(reverse("portal:documents_csv", args=[cast.project.pk])))
    assert rows[1][0] == "'@Doc client 0"


def test_the_pages_link_their_exports(cast):
    client = logged_in(cast.rep)
    page = client.get(reverse("portal:project", args=[cast.project.pk])).content.decode()
    assert reverse("portal:deliverables_csv", args=[cast.project.pk]) in page
    assert reverse("portal:documents_xlsx", args=[cast.project.pk]) in page
    page = client.get(reverse("portal:project_list")).content.decode()
    assert reverse("portal:project_list_xlsx") in page


@pytest.mark.parametrize(
    ("name", "fill"),
    [("portal:deliverables_xlsx", _plan), ("portal:documents_csv", _documents)],
)
def test_export_query_counts_do_not_grow(cast, name, fill):
    client = logged_in(cast.rep)
    url = reverse(name, args=[cast.project.pk])
    assert_queries_constant(client, url, lambda count: fill(cast, count))
