"""Dates survive an untouched save in Chinese. A PM whose interface is in Simplified Chinese (and
whose time zone is Shanghai) opens the edit forms that hold dates — a risk's details and its
assessment, the project, a milestone, a task, a meeting — checks that the browser shows each date
(a value it could not parse would be shown empty), saves each form without touching it, and
finds every date unchanged in the database. The AM does the same with an opportunity."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from playwright.sync_api import Locator, Page, expect

from feedback.models import Opportunity
from feedback.services.account import opportunity_create
from projects.models import Milestone, Project, Task
from projects.services.milestones import milestone_create
from projects.services.tasks import task_create
from risks.models import Risk
from risks.services.register import risk_create
from stakeholders.models import Meeting
from stakeholders.services.meetings import meeting_create
from tests.e2e.conftest import csp_violations, log_in

pytestmark = pytest.mark.e2e

START, END = date(2026, 11, 2), date(2027, 3, 26)
DUE = date(2026, 11, 22)
REVIEW, PROXIMITY = date(2026, 12, 9), date(2027, 1, 15)
TASK_START, TASK_DUE = date(2026, 11, 16), date(2026, 11, 20)
MEETING_AT = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
CLOSE_ON = date(2027, 2, 26)


@pytest.fixture
def dated(cast):
    """Today is 1 October 2026 (the clock runs on from there) and every date is ahead of it."""
    traveller = time_machine.travel(datetime(2026, 10, 1, 8, tzinfo=UTC), tick=True)
    traveller.start()
    try:
        yield _dated_items(cast)
    finally:
        traveller.stop()


def _dated_items(cast):
    for person in (cast.pm, cast.am):
        person.language, person.time_zone = "zh-hans", "Asia/Shanghai"
        person.save(update_fields=["language", "time_zone"])
    Project.objects.filter(pk=cast.project.pk).update(start_date=START, end_date=END)
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot live", due_date=DUE
    )
    task = task_create(
        actor=cast.pm,
        project=cast.project,
        name="Train the pilot users",
        milestone=milestone,
        start_date=TASK_START,
        due_date=TASK_DUE,
    )
    risk = risk_create(
        actor=cast.pm,
        project=cast.project,
        title="Scanner firmware late",
        probability=3,
        impact=4,
        proximity=PROXIMITY,
        next_review_date=REVIEW,
    )
    meeting = meeting_create(
        actor=cast.pm, project=cast.project, title="Pilot readiness", starts_at=MEETING_AT
    )
    opportunity = opportunity_create(
        actor=cast.am,
        organization=cast.project.client,
        title="Second warehouse",
        expected_close_on=CLOSE_ON,
    )
    return milestone, task, risk, meeting, opportunity


def _open_all_details(page: Page) -> None:
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")


def _save(page: Page, form: Locator) -> None:
    """Submits the form as it stands and waits for the page that follows."""
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()


def test_untouched_forms_keep_every_date_in_chinese(page: Page, cast, dated, console_errors):
    milestone, task, risk, meeting, _opportunity = dated
    project_id = cast.project.pk
    log_in(page, cast.pm)

    # The risk: its details, then its assessment (both hold the next review).
    page.goto(f"/projects/{project_id}/risks/{risk.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    _open_all_details(page)
    details = page.get_by_test_id("edit-form")
    expect(details.locator("input[name=next_review_date]")).to_have_value("2026-12-09")
    expect(details.locator("input[name=proximity]")).to_have_value("2027-01-15")
    _save(page, details)
    _open_all_details(page)
    assess = page.get_by_test_id("assess-form")
    expect(assess.locator("input[name=next_review_date]")).to_have_value("2026-12-09")
    _save(page, assess)
    risk = Risk.objects.get(pk=risk.pk)
    assert (risk.next_review_date, risk.proximity) == (REVIEW, PROXIMITY)

    # The project's current dates.
    page.goto(f"/projects/{project_id}/edit/")
    form = page.get_by_test_id("project-form")
    expect(form.locator("input[name=start_date]")).to_have_value("2026-11-02")
    expect(form.locator("input[name=end_date]")).to_have_value("2027-03-26")
    _save(page, form)
    project = Project.objects.get(pk=project_id)
    assert (project.start_date, project.end_date) == (START, END)

    # A milestone, on the plan.
    page.goto(f"/projects/{project_id}/plan/")
    _open_all_details(page)
    form = page.get_by_test_id("milestone-edit-form")
    expect(form.locator(f"input[name=e{milestone.pk}-due_date]")).to_have_value("2026-11-22")
    _save(page, form)
    assert Milestone.objects.get(pk=milestone.pk).due_date == DUE

    # A task.
    page.goto(f"/projects/{project_id}/tasks/{task.pk}/")
    form = page.get_by_test_id("task-form")
    expect(form.locator("input[name=start_date]")).to_have_value("2026-11-16")
    expect(form.locator("input[name=due_date]")).to_have_value("2026-11-20")
    _save(page, form)
    task = Task.objects.get(pk=task.pk)
    assert (task.start_date, task.due_date) == (TASK_START, TASK_DUE)

    # A meeting, whose start is a date and a time in the PM's time zone.
    page.goto(f"/projects/{project_id}/meetings/{meeting.pk}/")
    _open_all_details(page)
    form = page.get_by_test_id("meeting-edit").locator("form")
    expect(form.locator("input[name=starts_at]")).to_have_value("2026-11-23T09:30")
    _save(page, form)
    assert Meeting.objects.get(pk=meeting.pk).starts_at == MEETING_AT

    assert console_errors == []
    assert csp_violations(page) == []


def test_untouched_opportunity_keeps_its_expected_close_in_chinese(
    page: Page, cast, dated, console_errors
):
    opportunity = dated[4]
    log_in(page, cast.am)
    page.goto(f"/clients/{cast.project.client_id}/account/opportunities/{opportunity.pk}/")
    form = page.get_by_test_id("opportunity-form")
    expect(form.locator("input[name=expected_close_on]")).to_have_value("2027-02-26")
    _save(page, form)
    assert Opportunity.objects.get(pk=opportunity.pk).expected_close_on == CLOSE_ON
    assert console_errors == []
