"""Client satisfaction end to end, as the account manager lives it: the customer representative
answers a survey through the e-mailed link with a low score and files a complaint in the portal;
the account manager sees the detractor and the complaint with its SLA clock on the satisfaction
dashboard, responds and resolves; the representative confirms the resolution."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from feedback.models import Campaign, FeedbackTicket, TicketStatus
from feedback.services.sending import campaign_send
from feedback.services.survey_templates import survey_template_default
from notifications.models import OutboxMessage
from notifications.services.outbox import outbox_send
from tests.e2e.conftest import csp_violations, log_in, open_watched_page, path_of

pytestmark = pytest.mark.e2e

TITLE = "Weekly reports arrive late"


@pytest.fixture
def rep_console_errors() -> list[str]:
    return []


@pytest.fixture
def rep_page(live_server, browser: Browser, rep_console_errors: list[str]) -> Iterator[Page]:
    page = open_watched_page(browser, live_server.url, rep_console_errors)
    try:
        yield page
    finally:
        page.context.close()


def _clean(page: Page, errors: list[str]) -> None:
    assert errors == []
    assert csp_violations(page) == []


def test_a_detractor_complains_the_am_resolves_and_the_rep_confirms(
    page: Page,
    console_errors: list[str],
    rep_page: Page,
    rep_console_errors: list[str],
    am: User,
    pm: User,
    rep: User,
    project,
) -> None:
    # The AM surveys the project's client contacts; the worker sends the e-mail.
    survey_template_default()
    log_in(page, am)
    page.goto(f"/projects/{project.pk}/surveys/")
    form = page.get_by_test_id("campaign-form")
    form.get_by_label("Name").fill("Autumn pulse")
    form.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text("The survey is being sent.")
    campaign_send(campaign_id=Campaign.objects.get(name="Autumn pulse").pk)
    mail.outbox.clear()
    outbox_send(message_id=OutboxMessage.objects.get(kind="survey", to_email=rep.email).pk)
    link = re.search(r"https?://\S+/surveys/\S+/", mail.outbox[0].body)
    assert link is not None, mail.outbox[0].body

    # 1. The representative answers through the link, without signing in, with a low score.
    rep_page.goto(re.sub(r"^https?://[^/]+", "", link.group(0)))
    questions = rep_page.get_by_test_id("question")
    questions.nth(0).get_by_text("3", exact=True).click()
    questions.nth(1).get_by_text("2", exact=True).click()
    rep_page.get_by_role("button", name="Send my answers").click()
    expect(rep_page.get_by_test_id("page-title")).to_have_text("Thank you for your answers")
    _clean(rep_page, rep_console_errors)

    # ... then signs in to the portal and files a complaint.
    log_in(rep_page, rep)
    rep_page.goto(f"/portal/feedback/new/?project={project.pk}")
    form = rep_page.get_by_test_id("ticket-form")
    form.locator("select[name=kind]").select_option("complaint")
    form.locator("select[name=severity]").select_option("high")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=description]").fill("The Monday report came on Wednesday.")
    form.get_by_role("button", name="Send").click()
    expect(rep_page.get_by_role("alert")).to_contain_text("Your feedback is recorded as FB-1.")
    ticket = FeedbackTicket.objects.get()
    _clean(rep_page, rep_console_errors)

    # 2. The AM's dashboard shows the detractor and the complaint with its SLA clock.
    page.goto("/satisfaction/")
    expect(page.get_by_test_id("open-follow-ups")).to_have_text("1")
    expect(page.get_by_test_id("follow-up")).to_contain_text("Rory Rep")
    expect(page.get_by_test_id("complaints-open")).to_have_text("1")
    complaint = page.get_by_test_id("open-complaint").filter(has_text=TITLE)
    expect(complaint.get_by_test_id("sla-clock")).to_contain_text("First response")
    complaint.get_by_role("link", name=f"{project.code} FB-1").click()
    assert path_of(page) == f"/projects/{project.pk}/feedback/{ticket.pk}/"

    # 3. ... responds and resolves.
    respond = page.get_by_test_id("acknowledge-form")
    respond.locator("textarea[name=message]").fill("You are right; we fix the schedule today.")
    respond.get_by_role("button", name="Acknowledge and reply").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Acknowledged")
    resolve = page.get_by_test_id("resolve-form")
    resolve.locator("textarea[name=resolution]").fill("Reports now go out Monday 9:00.")
    resolve.get_by_role("button", name="Mark resolved").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Resolved")
    page.goto("/satisfaction/")
    expect(page.get_by_test_id("complaints-open")).to_have_text("0")
    expect(page.get_by_test_id("complaints-by-status")).to_contain_text("Resolved")
    _clean(page, console_errors)

    # 4. The representative confirms the resolution from "What needs my decision".
    rep_page.goto("/portal/")
    rep_page.get_by_test_id("decision").filter(has_text="FB-1").click()
    rep_page.get_by_test_id("confirm-resolution").click()
    expect(rep_page.get_by_test_id("ticket-status")).to_have_text("Resolution confirmed")
    _clean(rep_page, rep_console_errors)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CONFIRMED
    page.goto("/satisfaction/")
    expect(page.get_by_test_id("complaints-by-status")).to_contain_text("Resolution confirmed")
