"""The complaint journey in two browsers: a customer representative follows the e-mails'
"Give feedback" link, signs in and files a complaint in the portal; the account manager sees it
on the project's Feedback tab with its SLA clock, responds and resolves it; the representative
finds it under "What needs my decision" and confirms the resolution."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from feedback.links import feedback_path
from feedback.models import FeedbackTicket, TicketStatus
from notifications.models import OutboxMessage
from tests.e2e.conftest import csp_violations, log_in, open_watched_page, path_of
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e

TITLE = "Scanners freeze at dock 3"


@pytest.fixture
def rep_console_errors() -> list[str]:
    return []


@pytest.fixture
def rep_page(
    page: Page, live_server, browser: Browser, rep_console_errors: list[str]
) -> Iterator[Page]:
    rep_page = open_watched_page(browser, live_server.url, rep_console_errors)
    try:
        yield rep_page
    finally:
        rep_page.context.close()


def _assert_clean(page: Page, errors: list[str]) -> None:
    assert errors == []
    assert csp_violations(page) == []


def test_rep_files_a_complaint_the_am_resolves_it_and_the_rep_confirms(
    page: Page,
    console_errors: list[str],
    rep_page: Page,
    rep_console_errors: list[str],
    am: User,
    pm: User,
    rep: User,
    project,
) -> None:
    # 1. The representative follows the "Give feedback" link: sign in first, then the form,
    #    with the project already chosen.
    link = feedback_path(project)
    rep_page.goto(link)
    rep_page.wait_for_url(re.compile(r"/accounts/login/"))
    rep_page.locator("input[name=login]").fill(rep.email)
    rep_page.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    rep_page.locator("form[action^='/accounts/login/'] button[type=submit]:not([form])").click()
    rep_page.wait_for_url(re.compile(r"/portal/feedback/new/"))
    form = rep_page.get_by_test_id("ticket-form")
    expect(form.locator("select[name=project]")).to_have_value(str(project.pk))
    form.locator("select[name=kind]").select_option("complaint")
    form.locator("select[name=severity]").select_option("high")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=description]").fill("Since Monday the scanners **freeze**.")
    form.get_by_role("button", name="Send").click()
    expect(rep_page.get_by_role("alert")).to_contain_text("Your feedback is recorded as FB-1.")
    ticket = FeedbackTicket.objects.get()
    assert path_of(rep_page) == f"/portal/projects/{project.pk}/feedback/{ticket.pk}/"
    expect(rep_page.get_by_test_id("ticket-status")).to_have_text("New")
    expect(rep_page.get_by_test_id("sla").get_by_test_id("sla-clock").first).to_contain_text(
        "First response"
    )
    _assert_clean(rep_page, rep_console_errors)

    # 2. The account manager sees it on the project's Feedback tab with its SLA clock.
    log_in(page, am)
    page.goto(f"/projects/{project.pk}/")
    page.get_by_test_id("tab-feedback").click()
    row = page.get_by_test_id("ticket").filter(has_text=TITLE)
    expect(row.get_by_test_id("sla-clock")).to_contain_text("First response")
    row.get_by_role("link", name="FB-1").click()
    assert path_of(page) == f"/projects/{project.pk}/feedback/{ticket.pk}/"
    expect(page.get_by_test_id("ticket-title")).to_have_text(TITLE)
    expect(page.get_by_test_id("sla")).to_contain_text("Resolution")

    # 3. ... responds ...
    respond = page.get_by_test_id("acknowledge-form")
    respond.locator("textarea[name=message]").fill("Sorry about that, we are on it today.")
    respond.get_by_role("button", name="Acknowledge and reply").click()
    expect(page.get_by_role("alert")).to_contain_text("Acknowledged; your reply is posted.")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Acknowledged")
    expect(page.get_by_test_id("discussion")).to_contain_text("we are on it today")
    # ... and resolves.
    resolve = page.get_by_test_id("resolve-form")
    resolve.locator("textarea[name=resolution]").fill("Rolled back the scanner firmware.")
    resolve.get_by_role("button", name="Mark resolved").click()
    expect(page.get_by_role("alert")).to_contain_text("Resolved; the client is asked to confirm.")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Resolved")
    _assert_clean(page, console_errors)

    # 4. The representative finds it under "What needs my decision" and confirms.
    rep_page.goto("/portal/")
    decision = rep_page.get_by_test_id("decision").filter(has_text="FB-1")
    expect(decision).to_contain_text(f"Confirm the resolution of FB-1: {TITLE}")
    decision.click()
    expect(rep_page.get_by_test_id("ticket-resolution")).to_contain_text("Rolled back")
    expect(rep_page.get_by_test_id("discussion")).to_contain_text("we are on it today")
    rep_page.get_by_test_id("confirm-resolution").click()
    expect(rep_page.get_by_role("alert")).to_contain_text("the resolution is confirmed")
    expect(rep_page.get_by_test_id("ticket-status")).to_have_text("Resolution confirmed")
    _assert_clean(rep_page, rep_console_errors)

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CONFIRMED
    assert ticket.confirmed_by == rep
    assert ticket.first_responded_by == am
    # The representative was told by e-mail, with the "Give feedback" link.
    assert OutboxMessage.objects.filter(to_email=rep.email, body_text__contains=link).exists()
