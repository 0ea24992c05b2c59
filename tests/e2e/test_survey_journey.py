"""The survey journey: the account manager sends a survey from the project's Surveys tab; the
customer representative answers it on a phone through the e-mailed link with a low score; the
account manager sees the detractor on the satisfaction dashboard and closes the follow-up with a
note."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from feedback.models import Campaign, DetractorFollowUp, SurveyResponse
from feedback.services.sending import campaign_send
from feedback.services.survey_templates import survey_template_default
from notifications.models import OutboxMessage
from notifications.services.outbox import outbox_send
from tests.e2e.conftest import csp_violations, log_in, open_watched_page

pytestmark = pytest.mark.e2e

NOTE = "Called Rory: weekly demos from Monday, and a named escalation contact."


@pytest.fixture
def phone_console_errors() -> list[str]:
    return []


@pytest.fixture
def phone(live_server, browser: Browser, phone_console_errors: list[str]) -> Iterator[Page]:
    """The representative's phone: a 375 px wide browser with no session."""
    page = open_watched_page(browser, live_server.url, phone_console_errors)
    page.set_viewport_size({"width": 375, "height": 740})
    try:
        yield page
    finally:
        page.context.close()


def test_detractor_answers_by_mail_and_the_am_follows_up(
    page: Page,
    console_errors: list[str],
    phone: Page,
    phone_console_errors: list[str],
    am: User,
    pm: User,
    rep: User,
    project,
) -> None:
    # 1. The AM sends the default survey to the project's client contacts. (The default
    # template ships in a migration; a test database flushed by an earlier test lost it.)
    survey_template_default()
    log_in(page, am)
    page.goto(f"/projects/{project.pk}/surveys/")
    form = page.get_by_test_id("campaign-form")
    form.get_by_label("Name").fill("Autumn pulse")
    form.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text("The survey is being sent.")
    # What the Celery worker does after the commit: send the campaign, then its e-mails.
    campaign = Campaign.objects.get(name="Autumn pulse")
    assert campaign_send(campaign_id=campaign.pk) == 1
    message = OutboxMessage.objects.get(kind="survey", to_email=rep.email)
    mail.outbox.clear()
    outbox_send(message_id=message.pk)
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/surveys/\S+/", mail.outbox[0].body)
    assert link is not None, mail.outbox[0].body
    path = re.sub(r"^https?://[^/]+", "", link.group(0))

    # 2. The representative opens it on their phone, no sign-in, and gives a low score.
    phone.goto(path)
    expect(phone.get_by_test_id("page-title")).to_contain_text("How are we doing on A One?")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    questions = phone.get_by_test_id("question")
    questions.nth(0).get_by_text("2", exact=True).click()
    questions.nth(1).get_by_text("1", exact=True).click()
    phone.locator("textarea").fill("Reports come late and miss the risks.")
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_test_id("page-title")).to_have_text("Thank you for your answers")
    response = SurveyResponse.objects.get()
    assert (response.nps, response.csat) == (2, 1)

    # 3. The AM sees the detractor on the dashboard and closes the follow-up with a note.
    page.goto("/satisfaction/")
    expect(page.get_by_test_id("open-follow-ups")).to_have_text("1")
    expect(page.get_by_test_id("nps")).to_have_text("-100.0")
    row = page.get_by_test_id("follow-up")
    expect(row).to_contain_text("Rory Rep")
    row.get_by_role("link").click()
    expect(page.get_by_test_id("answers")).to_contain_text("Reports come late")
    page.get_by_test_id("follow-up-form").get_by_label("What was done (internal note)").fill(NOTE)
    page.get_by_role("button", name="Close with this note").click()
    expect(page.get_by_role("alert")).to_contain_text("Follow-up closed.")
    expect(page.get_by_test_id("follow-up-note")).to_contain_text(NOTE)
    page.goto("/satisfaction/")
    expect(page.get_by_test_id("open-follow-ups")).to_have_text("0")
    assert DetractorFollowUp.objects.get().status == DetractorFollowUp.Status.CLOSED

    assert console_errors == []
    assert phone_console_errors == []
    assert csp_violations(page) == []
    assert csp_violations(phone) == []
