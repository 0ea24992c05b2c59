"""The closeout journey in two browsers: the PM finds the one open point of a project in its
closing phase, waives it with a reason and asks for final acceptance; the client admin finds it
in "what needs my decision", reads the closeout (without the internal reason) and gives final
acceptance; the project is closed and read-only on both sides.

The whole story, on a fixed day: the PM reads their scorecard; the client admin accepts the last
deliverable in the portal (the first time), which completes its milestone; the PM asks for final
acceptance and the client admin gives it; the PM records a lesson on the closed project, starts
a new project for the same client and finds the lesson on its overview; the scorecard's current
quarter has moved, and its figure opens the items behind it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import Locator, Page, expect

from closeout.models import ClosureRequest
from lessons.models import Lesson
from projects.models import AcceptanceRound, Deliverable, Milestone, Phase, Project
from projects.services.acceptance import FailedCriterion, deliverable_accept, deliverable_reject
from projects.services.deliverables import (
    deliverable_create,
    deliverable_submit,
    quality_review_record,
)
from tests.closeout.world import AT, ready_to_close
from tests.e2e.conftest import csp_violations, log_in, open_watched_page, path_of

pytestmark = pytest.mark.e2e

REASON = "The client took the training over themselves"

# A month before the closeout world's day (AT, 14 March 2031), in the same quarter: everything
# the journey does is counted in Q1 2031, the scorecard's last (running) period.
TODAY = datetime(2031, 2, 10, 9, 0, tzinfo=UTC)
QUARTER = "Q1 2031"
LESSON = "Book the dock printers before the pilot"


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


@pytest.fixture
def pinned() -> Iterator[None]:
    """Today is 10 February 2031 for the test, the live server and the browser (the clock runs
    on from there); requested before `page`, whose browser clock follows the test's."""
    traveller = time_machine.travel(TODAY, tick=True)
    traveller.start()
    try:
        yield
    finally:
        traveller.stop()


def _accepted_after_a_rejection(cast, milestone: Milestone) -> None:
    """Earlier this quarter: a deliverable of the milestone the client rejected once, then
    accepted."""
    deliverable = deliverable_create(
        actor=cast.pm,
        milestone=milestone,
        name="Label templates",
        criteria=["Prints on the dock printers"],
    )
    for attempt in (1, 2):
        quality_review_record(actor=cast.pm, deliverable=deliverable, passed=True)
        deliverable_submit(actor=cast.pm, deliverable=deliverable)
        if attempt == 1:
            deliverable_reject(
                actor=cast.rep,
                deliverable=deliverable,
                failed=[
                    FailedCriterion(
                        criterion_id=deliverable.criteria.get().pk, reason="Cut off at the edge"
                    )
                ],
            )
    deliverable_accept(actor=cast.rep, deliverable=deliverable)


def _figure(page: Page, measure: str) -> Locator:
    """The current quarter's figure of a measure of the scorecard: the link in the last column
    (the cell also says whether it is better or worse than the quarter before)."""
    return page.get_by_test_id(f"measure-{measure}").get_by_test_id("cell").last.get_by_role("link")


def test_closing_a_project_records_a_lesson_for_the_next_and_moves_the_pm_scorecard(
    pinned, page: Page, cast, browser, live_server, console_errors
) -> None:
    milestone = Milestone.objects.create(project=cast.project, name="Handover", due_date=AT.date())
    runbook = deliverable_create(
        actor=cast.pm,
        milestone=milestone,
        name="Runbook",
        criteria=["Covers the rollback of every service"],
    )
    _accepted_after_a_rejection(cast, milestone)
    project = ready_to_close(cast)

    # 1. The PM opens their scorecard from the menu: this quarter, one deliverable was accepted,
    #    after a rejection; the Handover milestone is not due yet.
    log_in(page, cast.pm)
    page.get_by_test_id("nav-analytics").click()  # the menu of scorecards and dashboards
    page.get_by_test_id("nav-scorecards").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Scorecards")
    entry = page.get_by_test_id("scorecard-entry").filter(has_text="Project manager")
    expect(entry).to_have_count(1)
    entry.get_by_role("link", name=cast.pm.display_name).click()
    scorecard_url = f"/scorecards/people/{cast.pm.pk}/pm/"
    assert path_of(page) == scorecard_url
    expect(page.get_by_test_id("period-head").last).to_have_text(QUARTER)
    expect(_figure(page, "first_time_rate")).to_have_text("0.0% (0/1)")
    expect(_figure(page, "accepted_after_rejection")).to_have_text("1")
    expect(_figure(page, "on_time_rate")).to_have_text("—")
    assert console_errors == []
    assert csp_violations(page) == []

    # 2. The PM reviews the runbook and submits it to the client.
    page.goto(f"/projects/{project.pk}/deliverables/{runbook.pk}/")
    review = page.get_by_test_id("review-form")
    review.get_by_label("Passed: meets every criterion").check()
    review.locator("textarea[name=notes]").fill("Checked against the rollback plan.")
    review.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("alert")).to_contain_text("Quality review recorded.")
    submit = page.get_by_test_id("submit-form")
    submit.locator("textarea[name=note]").fill("The last deliverable of the project.")
    submit.get_by_role("button", name="Submit to the client").click()
    expect(page.get_by_role("alert")).to_contain_text("Submitted to the client for acceptance.")
    assert console_errors == []

    admin_errors: list[str] = []
    admin_page = open_watched_page(browser, live_server.url, admin_errors)
    try:
        # 3. The client admin accepts it in the portal, the first time.
        log_in(admin_page, cast.client_admin)
        admin_page.get_by_test_id("decision").filter(has_text="Runbook").click()
        assert path_of(admin_page) == f"/portal/projects/{project.pk}/deliverables/{runbook.pk}/"
        admin_page.get_by_test_id("decision-form").get_by_test_id("accept").click()
        expect(admin_page.get_by_role("alert")).to_contain_text(
            "Thank you: the deliverable is accepted."
        )
        assert admin_errors == []

        # 4. Nothing is left open: the PM asks for final acceptance.
        page.goto(f"/projects/{project.pk}/closeout/")
        expect(page.get_by_test_id("request-blocked")).to_have_count(0)
        request_form = page.get_by_test_id("request-form")
        request_form.locator("textarea[name=note]").fill("Everything is handed over.")
        request_form.get_by_role("button", name="Ask the client admin for final acceptance").click()
        expect(page.get_by_role("alert")).to_contain_text("Final acceptance requested")
        assert console_errors == []

        # 5. The client admin gives final acceptance in the portal.
        admin_page.goto("/portal/")
        admin_page.get_by_test_id("decision").filter(
            has_text="Give final acceptance of the project"
        ).click()
        form = admin_page.get_by_test_id("final-acceptance-form")
        form.locator("textarea[name=comment]").fill("Thank you all.")
        form.get_by_role("button", name="Give final acceptance").click()
        expect(admin_page.get_by_role("alert")).to_contain_text("your decision is recorded")
        expect(admin_page.get_by_test_id("closed-notice")).to_be_visible()
        assert admin_errors == []
        assert csp_violations(admin_page) == []
    finally:
        admin_page.context.close()

    project.refresh_from_db()
    assert project.phase == Phase.CLOSED
    runbook_round = AcceptanceRound.objects.get(deliverable=runbook)
    assert (runbook_round.decision, runbook_round.decided_by) == ("accepted", cast.client_admin)
    assert runbook_round.decided_at is not None
    assert runbook_round.decided_at.date() == TODAY.date()

    # 6. The PM records a lesson on the closed project's retrospective page.
    page.goto(f"/projects/{project.pk}/closeout/")
    expect(page.get_by_test_id("closed-notice")).to_be_visible()
    page.get_by_test_id("tab-lessons").click()
    assert path_of(page) == f"/projects/{project.pk}/lessons/"
    page.get_by_text("Record a lesson").click()
    lesson_form = page.get_by_test_id("lesson-form")
    lesson_form.locator("input[name=title]").fill(LESSON)
    lesson_form.locator("select[name=category]").select_option(label="Schedule")
    lesson_form.locator("textarea[name=what_went_wrong]").fill(
        "The labels waited two weeks for a printer."
    )
    lesson_form.locator("textarea[name=recommendation]").fill(
        "Order the printers with the scanners."
    )
    lesson_form.get_by_role("button", name="Record").click()
    expect(page.get_by_role("alert")).to_contain_text("Lesson recorded.")
    expect(page.get_by_test_id("lesson").filter(has_text=LESSON)).to_have_count(1)
    assert Lesson.objects.get(title=LESSON).project == project
    assert console_errors == []

    # 7. A new project for the same client shows the lesson on its overview.
    page.goto("/projects/")
    page.get_by_test_id("new-project").click()
    project_form = page.get_by_test_id("project-form")
    project_form.locator("select[name=client]").select_option(label=project.client.name)
    project_form.locator("input[name=code]").fill("a-two")
    project_form.locator("input[name=name]").fill("A Two")
    project_form.locator("select[name=phase]").select_option(label="Initiation")
    project_form.locator("input[name=start_date]").fill("2031-04-07")
    project_form.locator("input[name=end_date]").fill("2031-12-19")
    project_form.locator("input[name=budget]").fill("80000")
    project_form.get_by_role("button", name="Create project").click()
    page.wait_for_url(re.compile(r"/projects/\d+/plan/$"))
    new_project = Project.objects.get(code="a-two")
    assert new_project.client_id == project.client_id
    page.get_by_role("link", name="Overview", exact=True).click()
    assert path_of(page) == f"/projects/{new_project.pk}/"
    lesson = page.get_by_test_id("relevant-lessons").get_by_test_id("relevant-lesson")
    expect(lesson).to_have_count(1)
    expect(lesson).to_contain_text(LESSON)
    expect(lesson).to_contain_text(f"{project.name} · Schedule · same client")
    expect(lesson).to_contain_text("Order the printers with the scanners.")
    assert console_errors == []

    # 8. The scorecard has moved: two deliverables accepted this quarter, one the first time,
    #    and the Handover milestone completed before its due day.
    page.get_by_test_id("nav-analytics").click()  # the menu of scorecards and dashboards
    page.get_by_test_id("nav-scorecards").click()
    page.get_by_test_id("scorecard-entry").filter(has_text="Project manager").get_by_role(
        "link", name=cast.pm.display_name
    ).click()
    assert path_of(page) == scorecard_url
    expect(page.get_by_test_id("period-head").last).to_have_text(QUARTER)
    expect(_figure(page, "first_time_rate")).to_have_text("50.0% (1/2)")
    expect(_figure(page, "accepted_after_rejection")).to_have_text("1")
    expect(_figure(page, "on_time_rate")).to_have_text("100.0% (1/1)")

    # 9. The figure opens the deliverables it counts.
    _figure(page, "first_time_rate").click()
    assert path_of(page) == f"/scorecards/people/{cast.pm.pk}/pm/acceptance/2031Q1/"
    items = page.get_by_test_id("item")
    expect(items).to_have_count(2)
    expect(items.filter(has_text="Runbook")).to_contain_text("Accepted the first time")
    expect(items.filter(has_text="Runbook")).to_contain_text(project.name)
    expect(items.filter(has_text="Label templates")).to_contain_text(
        "Accepted after a rejection (round 2)"
    )
    assert console_errors == []
    assert csp_violations(page) == []
