"""The report pages and API in use: the PM's summary, send now (and its refusal), the schedule
form's errors, the portal archive and the client admin's recipients; what clients never see;
constant query counts with 5 and 50 reports."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from reports.models import Report, ReportDelivery, ReportSchedule
from reports.services.reports import report_send_now
from risks.services.register import risk_create
from tests.helpers import logged_in
from tests.reports.conftest import make_schedule

pytestmark = pytest.mark.django_db


def test_pm_saves_summary_and_sends_now(pm, project, rep):
    make_schedule(pm, project)
    client = logged_in(pm)
    url = reverse("reports:summary_save", args=[project.pk])
    response = client.post(url, {"summary": "Cutover went well."})
    assert response.status_code == 302
    assert ReportSchedule.objects.get().summary == "Cutover went well."
    response = client.post(reverse("reports:report_send_now", args=[project.pk]))
    report = Report.objects.get()
    assert response.url == reverse("reports:report", args=[project.pk, report.pk])
    assert report.snapshot["summary"] == "Cutover went well."
    page = client.get(response.url)
    assert b"rep@a.test" in page.content
    assert b"Cutover went well." in page.content


def test_send_now_twice_is_refused_with_a_resend_offer(pm, project, rep):
    make_schedule(pm, project)
    client = logged_in(pm)
    url = reverse("reports:report_send_now", args=[project.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"?existing={Report.objects.get().pk}")
    assert b'data-testid="report-exists"' in response.content
    assert b"resend" in response.content
    assert Report.objects.count() == 1


def test_schedule_form_errors_change_nothing(pm, project):
    schedule = make_schedule(pm, project)
    client = logged_in(pm)
    response = client.post(
        reverse("reports:schedule", args=[project.pk]),
        {
            "cadence": "weekly",
            "weekday": "0",
            "day_of_month": "1",
            "hour": "25",
            "recipient_roles": ["customer_rep"],
            "extra_recipients": "not-an-address, Someone, en",
        },
    )
    assert response.status_code == 400
    assert "hour" in response.context["form"].errors
    response = client.post(
        reverse("reports:schedule", args=[project.pk]),
        {
            "cadence": "weekly",
            "weekday": "0",
            "day_of_month": "1",
            "hour": "10",
            "recipient_roles": ["customer_rep"],
            "extra_recipients": "not-an-address, Someone, en",
        },
    )
    assert response.status_code == 400
    assert "extra_recipients" in response.context["form"].errors
    schedule.refresh_from_db()
    assert schedule.hour == 9
    assert schedule.extra_recipients.count() == 0


def test_client_admin_pauses_and_changes_recipients_in_the_portal(pm, project, client_admin):
    make_schedule(pm, project)
    client = logged_in(client_admin)
    url = reverse("reports:portal_reports", args=[project.pk])
    assert b'data-testid="recipients-form"' in client.get(url).content
    response = client.post(
        url,
        {
            "recipient_roles": ["client_admin"],
            "extra_recipients": "cfo@a.test, Chen CFO, zh-hans",
        },
    )
    assert response.status_code == 302
    schedule = ReportSchedule.objects.get()
    assert (schedule.is_active, schedule.next_run_at) == (False, None)
    assert list(schedule.extra_recipients.values_list("email", "language")) == [
        ("cfo@a.test", "zh-hans")
    ]


def test_rep_reads_the_archive_but_manages_nothing(pm, project, rep):
    make_schedule(pm, project)
    report = report_send_now(actor=pm, project=project)
    client = logged_in(rep)
    page = client.get(reverse("reports:portal_reports", args=[project.pk]))
    assert b'data-testid="recipients-form"' not in page.content
    assert reverse("reports:portal_report", args=[project.pk, report.pk]).encode() in page.content
    response = client.post(
        reverse("reports:portal_reports", args=[project.pk]), {"recipient_roles": []}
    )
    assert response.status_code == 403
    pdf = client.get(reverse("reports:portal_report_pdf", args=[project.pk, report.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_clients_never_see_deliveries_internal_risks_or_other_clients_reports(
    pm, project, rep, other_client_rep, other_project
):
    make_schedule(pm, project)
    risk_create(actor=pm, project=project, title="Vendor insolvency", probability=5, impact=5)
    report = report_send_now(actor=pm, project=project)
    page = logged_in(rep).get(reverse("reports:portal_report", args=[project.pk, report.pk]))
    assert page.status_code == 200
    assert b"Vendor insolvency" not in page.content
    assert b'data-testid="deliveries"' not in page.content  # no delivery list in the portal
    other = logged_in(other_client_rep)
    assert (
        other.get(reverse("reports:portal_report", args=[project.pk, report.pk])).status_code == 404
    )
    for url in (
        f"/api/v1/projects/{project.pk}/reports/",
        f"/api/v1/projects/{project.pk}/reports/{report.pk}/",
        f"/api/v1/projects/{project.pk}/reports/{report.pk}/pdf/",
    ):
        assert other.get(url).status_code == 404
    # a report id of project A under project B's URL is not found either
    assert (
        other.get(reverse("reports:portal_report", args=[other_project.pk, report.pk])).status_code
        == 404
    )
    api = logged_in(rep).get(f"/api/v1/projects/{project.pk}/reports/{report.pk}/")
    assert "Vendor insolvency" not in api.content.decode()
    assert (
        logged_in(rep)
        .get(f"/api/v1/projects/{project.pk}/reports/{report.pk}/deliveries/")
        .status_code
        == 403
    )


def test_api_bad_schedule_input_is_a_400_naming_the_field(pm, project):
    schedule = make_schedule(pm, project)
    client = logged_in(pm)
    url = f"/api/v1/projects/{project.pk}/report-schedule/"
    response = client.put(
        url,
        {
            "cadence": "weekly",
            "hour": 9,
            "recipient_roles": ["customer_rep"],
            "extra_recipients": [{"email": "nobody", "language": "en"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "extra_recipients" in response.json()
    response = client.put(
        url,
        {"cadence": "hourly", "hour": 9, "recipient_roles": []},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "cadence" in response.json()
    assert ReportSchedule.objects.get().cadence == schedule.cadence
    ok = client.put(
        url,
        {
            "cadence": "monthly",
            "day_of_month": 31,
            "hour": 18,
            "recipient_roles": ["client_viewer"],
        },
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["cadence"] == "monthly"


def test_api_send_now_and_conflict(pm, project, rep):
    make_schedule(pm, project)
    client = logged_in(pm)
    url = f"/api/v1/projects/{project.pk}/reports/send-now/"
    created = client.post(url, {}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["snapshot"]["project"]["name"] == project.name
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "report_exists"


def _reports(pm, project, count: int) -> None:
    schedule = make_schedule(pm, project)
    for index in range(count):
        end = date(2026, 1, 5) + timedelta(days=7 * index)
        report = Report.objects.create(
            project=project,
            period_start=end - timedelta(days=7),
            period_end=end,
            trigger="schedule",
            snapshot={},
        )
        ReportDelivery.objects.create(
            report=report,
            email=f"r{index}@a.test",
            language="en",
            message_id=ReportDelivery.new_message_id(),
        )
    return schedule


@pytest.mark.parametrize(
    ("who", "url_name", "api"),
    [
        ("pm", "reports:project_reports", "/api/v1/projects/{}/reports/"),
        ("rep", "reports:portal_reports", "/api/v1/projects/{}/reports/"),
    ],
)
def test_list_pages_and_api_keep_constant_queries(
    request, pm, rep, project, django_assert_max_num_queries, who, url_name, api
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _reports(pm, project, 5)
    client = logged_in(request.getfixturevalue(who))
    url = reverse(url_name, args=[project.pk])
    client.get(url)  # fills the session and the per-user caches
    counts = []
    for extra in (0, 45):
        if extra:
            _add_more(project, extra)
        with CaptureQueriesContext(connection) as page, CaptureQueriesContext(connection) as _:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as listing:
            assert client.get(api.format(project.pk)).status_code == 200
        counts.append((len(page.captured_queries), len(listing.captured_queries)))
    assert counts[0] == counts[1]


def _add_more(project, count: int) -> None:
    for index in range(count):
        end = date(2027, 1, 4) + timedelta(days=7 * index)
        Report.objects.create(
            project=project,
            period_start=end - timedelta(days=7),
            period_end=end,
            trigger="schedule",
            snapshot={},
        )
