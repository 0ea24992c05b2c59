"""The client admin's audit log exports to CSV and Excel with the page's columns: only their
side's approvals, never an internal requirement, and for the client admin alone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from stakeholders.services.requirements import requirement_confirm
from tests.helpers import (
    assert_queries_constant,
    export_rows,
    export_sheet,
    export_text,
    logged_in,
)
from tests.portal.conftest import clarified_requirement

pytestmark = pytest.mark.django_db


def _confirmed(cast, count=1):
    for index in range(count):
        requirement = clarified_requirement(cast, f"=Scan barcodes {index}")
        requirement_confirm(actor=cast.rep, requirement=requirement, version=requirement.version)
        clarified_requirement(cast, f"Margin model {index}", visibility="internal")


def _formula_name(cast):
    cast.rep.display_name = '=HYPERLINK("http://x")'
    cast.rep.save(update_fields=["display_name"])


def test_the_audit_log_csv_holds_the_pages_entries(cast):
    _formula_name(cast)
    _confirmed(cast)
    url = reverse("portal:audit_log_csv", args=[cast.project.pk])
    rows = export_rows(logged_in(cast.client_admin).get(url))
    assert rows[0] == ["When", "Who", "Action", "What"]
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert rows[1][3] == "REQ-1 =Scan barcodes 0"


def test_the_audit_log_workbook_keeps_moments_and_text(cast):
    _formula_name(cast)
    _confirmed(cast)
    url = reverse("portal:audit_log_xlsx", args=[cast.project.pk])
    response = logged_in(cast.client_admin).get(url)
    sheet = export_sheet(response)
    assert sheet["A2"].is_date
    assert sheet["B2"].value == '=HYPERLINK("http://x")'
    assert sheet["B2"].data_type == "s"  # a formula stays text
    assert "Margin model" not in export_text(response)


@pytest.mark.parametrize(
    ("person", "status"), [("rep", 403), ("viewer", 403), ("other_client_rep", 404), ("pm", 302)]
)
def test_the_audit_log_export_is_for_the_client_admin(cast, person, status):
    url = reverse("portal:audit_log_csv", args=[cast.project.pk])
    assert logged_in(getattr(cast, person)).get(url).status_code == status


def test_the_audit_log_links_its_exports(cast):
    page = logged_in(cast.client_admin).get(reverse("portal:audit_log", args=[cast.project.pk]))
    assert reverse("portal:audit_log_xlsx", args=[cast.project.pk]) in page.content.decode()


def test_audit_log_export_query_count_does_not_grow(cast):
    url = reverse("portal:audit_log_xlsx", args=[cast.project.pk])
    assert_queries_constant(
        logged_in(cast.client_admin), url, lambda count: _confirmed(cast, count)
    )
