"""Risks in the browser: a customer representative raises a risk in the portal; the PM assesses
it as critical and sets a mitigation; the AM finds the escalation among their notifications (and
its e-mail is in the outbox); the heat map shows the risk in its cell, for the PM and for the
representative; no CSP violation or console error anywhere."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from notifications.models import OutboxMessage
from risks.models import Level, Risk, Side
from tests.e2e.conftest import csp_violations, log_in, open_watched_page

pytestmark = pytest.mark.e2e


def test_client_raised_risk_is_assessed_critical_and_escalated(
    page: Page, cast, browser, live_server, console_errors
):
    # The representative raises a risk in the portal.
    log_in(page, cast.rep)
    page.goto(f"/portal/projects/{cast.project.pk}/risks/")
    page.get_by_test_id("raise-risk").click()
    form = page.get_by_test_id("portal-risk-form")
    form.get_by_label("Title").fill("Night shift cannot use the handhelds")
    form.get_by_label("Category").select_option("scope")
    form.get_by_label("What could happen? (Markdown)").fill("Gloves make the screens useless.")
    form.get_by_role("button", name="Raise the risk").click()
    expect(page.get_by_test_id("risk-title")).to_contain_text("RISK-1")
    expect(page.get_by_test_id("assessment")).to_contain_text("Awaiting assessment")
    risk = Risk.objects.get()
    assert (risk.raised_side, risk.visibility) == (Side.CLIENT, "client")
    page.context.close()

    # The PM assesses it as critical and sets a mitigation.
    pm_page = open_watched_page(browser, live_server.url, console_errors)
    log_in(pm_page, cast.pm)
    pm_page.goto(f"/projects/{cast.project.pk}/risks/{risk.pk}/")
    expect(pm_page.get_by_test_id("client-raised")).to_be_visible()
    assess = pm_page.get_by_test_id("assess-form")
    assess.locator("select[name=probability]").select_option("5")
    assess.locator("select[name=impact]").select_option("4")
    assess.get_by_label("Why this assessment?").fill("Every night shift is affected.")
    assess.get_by_role("button", name="Record the assessment").click()
    expect(pm_page.get_by_test_id("assessment")).to_contain_text("5 × 4 = 20")
    expect(pm_page.get_by_test_id("level").first).to_have_text("Critical")
    action = pm_page.get_by_test_id("action-form")
    action.get_by_label("Mitigation action").fill("Order capacitive gloves for the night shift")
    action.get_by_label("Owner").select_option(label=cast.teammate.display_name)
    action.get_by_role("button", name="Add").click()
    expect(pm_page.get_by_test_id("action")).to_contain_text("Order capacitive gloves")
    pm_page.locator("summary", has_text="Edit the risk and its response").click()
    edit = pm_page.get_by_test_id("edit-form")
    edit.get_by_label("Response strategy").select_option("mitigate")
    edit.get_by_role("button", name="Save").click()
    expect(pm_page.get_by_test_id("strategy")).to_have_text("Mitigate")
    risk.refresh_from_db()
    assert (risk.score, risk.level, risk.strategy) == (20, Level.CRITICAL, "mitigate")

    # The heat map shows it in its cell; clicking the cell lists it.
    pm_page.goto(f"/projects/{cast.project.pk}/risks/")
    cell = pm_page.locator("[data-testid=heat-cell][data-probability='5'][data-impact='4']")
    expect(cell).to_have_attribute("data-count", "1")
    cell.get_by_role("link").click()
    expect(pm_page.get_by_test_id("risk-row")).to_have_count(1)
    expect(pm_page.get_by_test_id("risk-row")).to_contain_text("Night shift")
    expect(pm_page.get_by_test_id("exposure-chart")).to_be_visible()
    pm_page.context.close()

    # The AM has the escalation, in the app and by e-mail.
    am_page = open_watched_page(browser, live_server.url, console_errors)
    log_in(am_page, cast.am)
    am_page.goto("/notifications/")
    expect(am_page.get_by_test_id("notification-list")).to_contain_text(
        "RISK-1 Night shift cannot use the handhelds is now critical"
    )
    assert OutboxMessage.objects.filter(to_email=cast.am.email, kind="risk").count() == 1
    am_page.context.close()

    # The representative's heat map shows the shared risk too.
    rep_page = open_watched_page(browser, live_server.url, console_errors)
    log_in(rep_page, cast.rep)
    rep_page.goto(f"/portal/projects/{cast.project.pk}/risks/")
    cell = rep_page.locator("[data-testid=heat-cell][data-probability='5'][data-impact='4']")
    expect(cell).to_have_attribute("data-count", "1")
    expect(rep_page.get_by_test_id("risk-row")).to_contain_text("Mitigate")
    assert csp_violations(rep_page) == []
    rep_page.context.close()
    assert console_errors == []
