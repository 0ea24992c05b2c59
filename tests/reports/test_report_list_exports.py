"""A project's status reports export to CSV and Excel: the team's history with how each report's
deliveries went, the client's archive with the periods alone (no address, no delivery)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from reports.models import Report, ReportDelivery, ReportSchedule
from tests.helpers import (
    assert_queries_constant,
    export_rows,
    export_sheet,
    export_text,
    logged_in,
)

pytestmark = pytest.mark.django_db


def _reports(cast, count=1):
    for _index in range(count):
        end = date(2026, 1, 5) + timedelta(days=7 * Report.objects.count())
        report = Report.objects.create(
            project=cast.project,
            period_start=end - timedelta(days=7),
            period_end=end,
            trigger="schedule",
            snapshot={},
        )
        ReportDelivery.objects.create(
            report=report,
            email="secret-recipient@a.test",
            language="en",
            message_id=ReportDelivery.new_message_id(),
            status="failed",
        )


def test_the_teams_history_with_its_deliveries(cast):
    _reports(cast)
    url = reverse("reports:project_reports_csv", args=[cast.project.pk])
    rows = export_rows(logged_in(cast.pm).get(url))
    assert rows == [
        ["From", "To", "Sent by", "Deliveries", "Sent", "Failed", "Address refused"],
        ["2025-12-29", "2026-01-05", "Schedule", "1", "0", "1", "0"],
    ]
    url = reverse("reports:project_reports_xlsx", args=[cast.project.pk])
    sheet = export_sheet(logged_in(cast.teammate).get(url))
    assert sheet["A2"].is_date
    assert sheet["F2"].value == 1


@pytest.mark.parametrize("name", ["reports:portal_reports_csv", "reports:portal_reports_xlsx"])
def test_the_clients_archive_holds_the_periods_only(cast, name):
    _reports(cast)
    response = logged_in(cast.viewer).get(reverse(name, args=[cast.project.pk]))
    text = export_text(response)
    assert "2026-01-05" in text
    for internal in ("secret-recipient", "Deliveries", "Failed", "Sent by"):
        assert internal not in text


def test_a_report_title_cannot_become_a_formula(cast):
    # The only free text of the history is the sender's name.
    cast.pm.display_name = "=cmd|' /C calc'!A0"
    cast.pm.save(update_fields=["display_name"])
    Report.objects.create(
        project=cast.project,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 8),
        trigger="manual",
        created_by=cast.pm,
        snapshot={},
    )
    url = reverse("reports:project_reports_csv", args=[cast.project.pk])
    assert export_rows(logged_in(cast.am).get(url))[1][2] == "'=cmd|' /C calc'!A0"
    url = reverse("reports:project_reports_xlsx", args=[cast.project.pk])
    assert export_sheet(logged_in(cast.am).get(url))["C2"].data_type == "s"


@pytest.mark.parametrize(
    ("person", "name", "status"),
    [
        ("outsider", "reports:project_reports_csv", 404),
        ("rep", "reports:project_reports_xlsx", 302),
        ("other_client_rep", "reports:portal_reports_csv", 404),
        ("pm", "reports:portal_reports_xlsx", 302),
    ],
)
def test_people_without_access_are_refused(cast, person, name, status):
    response = logged_in(getattr(cast, person)).get(reverse(name, args=[cast.project.pk]))
    assert response.status_code == status


def test_the_report_pages_link_their_exports(cast):
    _reports(cast)
    page = logged_in(cast.pm).get(reverse("reports:project_reports", args=[cast.project.pk]))
    assert reverse("reports:project_reports_csv", args=[cast.project.pk]) in page.content.decode()
    page = logged_in(cast.rep).get(reverse("reports:portal_reports", args=[cast.project.pk]))
    assert reverse("reports:portal_reports_xlsx", args=[cast.project.pk]) in page.content.decode()


@pytest.mark.parametrize(
    ("person", "name"),
    [("pm", "reports:project_reports_xlsx"), ("rep", "reports:portal_reports_csv")],
)
def test_report_export_query_count_does_not_grow(cast, person, name):
    assert not ReportSchedule.objects.exists()
    url = reverse(name, args=[cast.project.pk])
    assert_queries_constant(
        logged_in(getattr(cast, person)), url, lambda count: _reports(cast, count)
    )
