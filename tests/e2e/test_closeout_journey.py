"""The closeout journey in two browsers: the PM finds the one open point of a project in its
closing phase, waives it with a reason and asks for final acceptance; the client admin finds it
in "what needs my decision", reads the closeout (without the internal reason) and gives final
acceptance; the project is closed and read-only on both sides."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from closeout.models import ClosureRequest
from projects.models import Deliverable, Milestone, Phase
from tests.closeout.world import AT, ready_to_close
from tests.e2e.conftest import csp_violations, log_in, open_watched_page

pytestmark = pytest.mark.e2e

REASON = "The client took the training over themselves"


def test_pm_waives_and_requests_then_client_admin_gives_final_acceptance(
    page: Page, cast, browser, live_server, console_errors
) -> None:
    project = ready_to_close(cast)
    milestone = Milestone.objects.create(project=project, name="Handover", due_date=AT.date())
    Deliverable.objects.create(project=project, milestone=milestone, name="Training videos")

    # 1. The PM waives the open deliverable and asks for final acceptance.
    log_in(page, cast.pm)
    page.goto(f"/projects/{project.pk}/closeout/")
    deliverables = page.get_by_test_id("point-deliverables")
    expect(deliverables).to_contain_text("Training videos")
    expect(page.get_by_test_id("request-blocked")).to_be_visible()
    item = deliverables.get_by_test_id("open-item").filter(has_text="Training videos")
    item.locator("summary").click()
    item.locator("textarea[name=reason]").fill(REASON)
    item.get_by_role("button", name="Waive this item").click()
    expect(page.get_by_role("alert")).to_contain_text("Waived.")
    expect(page.get_by_test_id("point-deliverables")).to_have_attribute("data-holds", "yes")
    request_form = page.get_by_test_id("request-form")
    request_form.locator("textarea[name=note]").fill("Everything is handed over.")
    request_form.get_by_role("button", name="Ask the client admin for final acceptance").click()
    expect(page.get_by_role("alert")).to_contain_text("Final acceptance requested")
    expect(page.get_by_test_id("awaiting-request")).to_be_visible()
    assert console_errors == []
    assert csp_violations(page) == []

    # 2. The client admin gives final acceptance in the portal.
    admin_errors: list[str] = []
    admin_page = open_watched_page(browser, live_server.url, admin_errors)
    try:
        log_in(admin_page, cast.client_admin)
        decision = admin_page.get_by_test_id("decision").filter(
            has_text="Give final acceptance of the project"
        )
        decision.click()
        expect(admin_page.get_by_test_id("closeout-points")).to_be_visible()
        expect(admin_page.locator("body")).not_to_contain_text(REASON)
        expect(admin_page.locator("body")).not_to_contain_text("Training videos")
        expect(admin_page.get_by_test_id("point-deliverables")).to_contain_text(
            "Waived by the project manager"
        )
        form = admin_page.get_by_test_id("final-acceptance-form")
        form.locator("textarea[name=comment]").fill("Thank you all.")
        form.get_by_role("button", name="Give final acceptance").click()
        expect(admin_page.get_by_role("alert")).to_contain_text("your decision is recorded")
        expect(admin_page.get_by_test_id("closed-notice")).to_be_visible()
        assert admin_errors == []
        assert csp_violations(admin_page) == []
    finally:
        admin_page.context.close()

    request = ClosureRequest.objects.get(project=project)
    assert (request.status, request.decided_by, request.comment) == (
        "accepted",
        cast.client_admin,
        "Thank you all.",
    )
    project.refresh_from_db()
    assert project.phase == Phase.CLOSED

    # 3. The PM sees the project closed, with the client's acceptance on record.
    page.reload()
    expect(page.get_by_test_id("closed-notice")).to_be_visible()
    expect(page.get_by_test_id("requests")).to_contain_text("Accepted")
    expect(page.get_by_test_id("requests")).to_contain_text("Thank you all.")
    assert console_errors == []
