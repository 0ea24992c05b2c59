"""Status reports in the browser: the PM sets up the schedule, writes the summary, previews the
next report as the client will see it and sends it now (a second "send now" is refused with a
way to resend); the customer representative finds the report in the portal archive, reads it
and downloads its PDF. No CSP violation or console error anywhere."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from projects.models import Visibility
from reports.models import Report
from risks.services.register import risk_create
from tests.e2e.conftest import csp_violations, log_in, open_watched_page

pytestmark = pytest.mark.e2e


def test_pm_writes_previews_and_sends_now_then_rep_downloads_the_pdf(
    page: Page, cast, browser, live_server, console_errors
):
    risk_create(
        actor=cast.pm, project=cast.project, title="Vendor insolvency", probability=5, impact=5
    )
    risk_create(
        actor=cast.pm,
        project=cast.project,
        title="Scanner supply",
        probability=3,
        impact=3,
        visibility=Visibility.CLIENT,
    )
    log_in(page, cast.pm)
    page.goto(f"/projects/{cast.project.pk}/reports/")
    expect(page.get_by_test_id("no-schedule")).to_be_visible()
    page.get_by_test_id("edit-schedule").click()
    form = page.get_by_test_id("schedule-form")
    form.get_by_label("Cadence").select_option("weekly")
    form.get_by_label("Hour").fill("9")
    form.get_by_label("Reports are on").check()
    form.get_by_label("Customer representative").check()
    form.get_by_role("button", name="Save the schedule").click()
    expect(page.get_by_test_id("next-run")).not_to_have_text("—")

    summary = page.get_by_test_id("summary-form")
    summary.get_by_label("Summary for the next report").fill("The pilot went **live** on time.")
    summary.get_by_role("button", name="Save the summary").click()
    expect(page.get_by_text("Summary saved for the next report.")).to_be_visible()

    page.get_by_test_id("preview").click()
    expect(page.get_by_test_id("report-summary")).to_contain_text("The pilot went live on time.")
    expect(page.get_by_test_id("report-risks")).to_contain_text("Scanner supply")
    expect(page.get_by_test_id("report-risks")).not_to_contain_text("Vendor insolvency")
    page.go_back()

    page.get_by_test_id("send-now").click()
    expect(page.get_by_test_id("deliveries")).to_contain_text("rep@a.test")
    report = Report.objects.get()
    page.goto(f"/projects/{cast.project.pk}/reports/")
    page.get_by_test_id("send-now").click()
    expect(page.get_by_test_id("report-exists")).to_be_visible()
    assert Report.objects.count() == 1
    assert csp_violations(page) == []
    page.context.close()

    rep_page = open_watched_page(browser, live_server.url, console_errors)
    log_in(rep_page, cast.rep)
    rep_page.goto(f"/portal/projects/{cast.project.pk}/")
    rep_page.get_by_test_id("tab-reports").click()
    archive = rep_page.get_by_test_id("report-archive")
    archive.get_by_role("link").first.click()
    expect(rep_page.get_by_test_id("report-summary")).to_contain_text("went live on time")
    expect(rep_page.get_by_test_id("report-body")).not_to_contain_text("Vendor insolvency")
    with rep_page.expect_download() as download_info:
        rep_page.get_by_test_id("report-pdf").click()
    download = download_info.value
    assert download.suggested_filename.endswith(f"{report.period_end}.pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert csp_violations(rep_page) == []
    rep_page.context.close()
    assert console_errors == []
