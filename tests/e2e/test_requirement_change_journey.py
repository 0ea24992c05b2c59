"""The conversation between the team and the client, in three browsers: the customer
representative submits a requirement in the portal; the PM clarifies it with a reply and an
internal note and asks for confirmation; the representative confirms it without ever seeing the
note; the PM raises a change request for it and approves it for the provider; the client admin
approves it in the portal, and the milestone's current date moves while its baseline stays."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from projects.models import Milestone
from projects.services.milestones import milestone_create
from stakeholders.models import ChangeRequest, Confirmation, Requirement
from tests.e2e.conftest import csp_violations, log_in, open_watched_page, path_of

pytestmark = pytest.mark.e2e

NOTE = "Their budget owner wavers: keep the estimate tight"
REPLY = "Which columns do you need in the export?"
DUE = date(2027, 3, 1)


@pytest.fixture
def extra_pages(live_server, browser: Browser) -> Iterator[tuple[list[Page], list[list[str]]]]:
    pages: list[Page] = []
    errors: list[list[str]] = []
    yield pages, errors
    for page in pages:
        page.context.close()


def _open(browser: Browser, live_server, extra) -> tuple[Page, list[str]]:
    pages, errors = extra
    errs: list[str] = []
    page = open_watched_page(browser, live_server.url, errs)
    pages.append(page)
    errors.append(errs)
    return page, errs


def _assert_clean(page: Page, errors: list[str]) -> None:
    assert errors == []
    assert csp_violations(page) == []


def test_requirement_clarified_confirmed_then_changed_by_both_sides(
    page: Page,
    console_errors: list[str],
    browser: Browser,
    live_server,
    extra_pages,
    pm: User,
    rep: User,
    client_admin: User,
    project,
) -> None:
    golive = milestone_create(actor=pm, project=project, name="Go-live", due_date=DUE)
    rep_page, rep_errors = _open(browser, live_server, extra_pages)
    admin_page, admin_errors = _open(browser, live_server, extra_pages)

    # 1. The representative submits a requirement from the portal.
    log_in(rep_page, rep)
    rep_page.goto(f"/portal/projects/{project.pk}/requirements/")
    rep_page.get_by_role("link", name="Submit a requirement").click()
    form = rep_page.get_by_test_id("requirement-form")
    form.locator("input[name=title]").fill("Export orders to Excel")
    form.locator("textarea[name=description]").fill("Every **month**, for the controller.")
    form.get_by_role("button", name="Submit").click()
    requirement = Requirement.objects.get(project=project, title="Export orders to Excel")
    rep_page.wait_for_url(re.compile(rf"/requirements/{requirement.pk}/$"))
    expect(rep_page.get_by_test_id("page-title")).to_contain_text(requirement.reference)
    assert requirement.status == Requirement.Status.SUBMITTED
    _assert_clean(rep_page, rep_errors)

    # 2. The PM replies, adds an internal note and asks the client to confirm.
    log_in(page, pm)
    page.goto(f"/projects/{project.pk}/requirements/{requirement.pk}/")
    thread = page.get_by_test_id("discussion")
    thread.locator("textarea[name=body]").fill(REPLY)
    thread.get_by_role("button", name="Post").click()
    expect(page.get_by_test_id("entry").filter(has_text=REPLY)).to_have_count(1)
    thread = page.get_by_test_id("discussion")
    thread.locator("textarea[name=body]").fill(NOTE)
    thread.locator("select[name=kind]").select_option("internal_note")
    thread.get_by_role("button", name="Post").click()
    note = page.get_by_test_id("entry").filter(has_text=NOTE)
    expect(note).to_have_count(1)
    expect(note).to_contain_text("Internal note")
    page.get_by_test_id("step-clarify").click()
    expect(page.get_by_role("alert")).to_contain_text("Done.")
    _assert_clean(page, console_errors)

    # 3. The representative finds it under "what needs my decision", reads the reply (never
    #    the note) and confirms the version shown.
    rep_page.goto("/portal/")
    rep_page.get_by_test_id("decision").filter(has_text=requirement.reference).click()
    assert path_of(rep_page) == f"/portal/projects/{project.pk}/requirements/{requirement.pk}/"
    expect(rep_page.get_by_test_id("discussion")).to_contain_text(REPLY)
    expect(rep_page.locator("body")).not_to_contain_text(NOTE)
    expect(rep_page.locator("body")).not_to_contain_text("Internal note")
    rep_page.get_by_test_id("step-confirm").click()
    expect(rep_page.get_by_role("alert")).to_contain_text("Done.")
    expect(rep_page.get_by_test_id("confirmations")).to_contain_text(
        "Version 1 confirmed by Rory Rep"
    )
    confirmation = Confirmation.objects.get(requirement=requirement)
    assert (confirmation.confirmed_by, confirmation.version) == (rep, 1)
    _assert_clean(rep_page, rep_errors)

    # 4. The PM raises a change request for it, assesses a week's slip and approves it.
    page.goto(f"/projects/{project.pk}/change-requests/")
    raise_form = page.locator("form").filter(has=page.locator("input[name=title]"))
    raise_form.locator("input[name=title]").fill("Add a CSV export as well")
    raise_form.locator("textarea[name=reason]").fill("The controller's tool reads CSV only.")
    raise_form.get_by_label(f"{requirement.reference} Export orders to Excel").check()
    raise_form.get_by_role("button", name="Raise").click()
    change = ChangeRequest.objects.get(project=project, title="Add a CSV export as well")
    page.wait_for_url(re.compile(rf"/change-requests/{change.pk}/$"))
    expect(page.get_by_test_id("linked-requirements")).to_contain_text(requirement.reference)
    assess = page.get_by_test_id("cr-assess-form")
    assess.locator("textarea[name=scope_impact]").fill("One more export format.")
    assess.locator("input[name=cost_impact]").fill("800")
    assess.locator(f"input[name=days_{golive.pk}]").fill("7")
    assess.get_by_role("button", name="Record the assessment").click()
    expect(page.get_by_role("alert")).to_contain_text("Assessment recorded.")
    page.get_by_test_id("cr-decision-form").get_by_role("button", name="Approve").click()
    expect(page.get_by_role("alert")).to_contain_text("Your decision is recorded.")
    golive.refresh_from_db()
    assert golive.due_date == DUE  # one side approved: nothing moves yet
    _assert_clean(page, console_errors)

    # 5. The client admin approves it in the portal: the current plan moves, not the baseline.
    log_in(admin_page, client_admin)
    admin_page.get_by_test_id("decision").filter(has_text=change.reference).click()
    assert path_of(admin_page) == f"/portal/projects/{project.pk}/change-requests/{change.pk}/"
    expect(admin_page.get_by_test_id("linked-requirements")).to_contain_text(requirement.reference)
    admin_page.get_by_test_id("cr-decision-form").get_by_role("button", name="Approve").click()
    expect(admin_page.get_by_role("alert")).to_contain_text("Your decision is recorded.")
    expect(admin_page.get_by_test_id("status")).to_have_text("Approved")
    _assert_clean(admin_page, admin_errors)

    golive = Milestone.objects.get(pk=golive.pk)
    assert golive.due_date == DUE + timedelta(days=7)
    assert golive.baseline_due_date == DUE
    # The requirement page shows the change on both sides.
    page.goto(f"/projects/{project.pk}/requirements/{requirement.pk}/")
    expect(page.get_by_test_id("linked-change-requests")).to_contain_text(change.reference)
    rep_page.goto(f"/portal/projects/{project.pk}/requirements/{requirement.pk}/")
    expect(rep_page.get_by_test_id("linked-change-requests")).to_contain_text(change.reference)
    expect(rep_page.locator("body")).not_to_contain_text(NOTE)
