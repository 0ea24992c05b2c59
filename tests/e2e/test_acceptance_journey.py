"""The acceptance journey in two browsers: a PM starts a project, plans a milestone with a
deliverable and its criteria, reviews it and submits it to the client; the customer
representative, invited to the project, rejects it with a reason; the PM reviews it again and
resubmits; the representative accepts, and the milestone is complete on both sides."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from accounts.models import User
from notifications.models import OutboxMessage
from projects.models import AcceptanceRound, CriterionResult, Deliverable, Milestone, Project
from tests.e2e.conftest import csp_violations, log_in, open_watched_page, path_of

pytestmark = pytest.mark.e2e

FIRST_CRITERION = "Covers the rollback of every service"
SECOND_CRITERION = "Names the on-call contact of each step"
REASON = "The database rollback is missing"


@pytest.fixture
def rep_console_errors() -> list[str]:
    return []


@pytest.fixture
def rep_page(
    page: Page, live_server, browser: Browser, rep_console_errors: list[str]
) -> Iterator[Page]:
    """A second browser context, with its own cookies, for the client's side."""
    rep_page = open_watched_page(browser, live_server.url, rep_console_errors)
    try:
        yield rep_page
    finally:
        rep_page.context.close()


def _status(scope: Locator) -> Locator:
    """The first status badge in `scope` (a milestone's own badge comes before its
    deliverables')."""
    return scope.get_by_test_id("status").first


def _assert_clean(page: Page, errors: list[str]) -> None:
    assert errors == []
    assert csp_violations(page) == []


def _record_passed_review(page: Page, notes: str) -> None:
    review = page.get_by_test_id("review-form")
    review.get_by_label("Passed: meets every criterion").check()
    review.locator("textarea[name=notes]").fill(notes)
    review.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("alert")).to_contain_text("Quality review recorded.")


def _submit(page: Page, note: str) -> None:
    submit = page.get_by_test_id("submit-form")
    submit.locator("textarea[name=note]").fill(note)
    submit.get_by_role("button", name="Submit to the client").click()
    expect(page.get_by_role("alert")).to_contain_text("Submitted to the client for acceptance.")
    expect(_status(page.get_by_test_id("deliverable-name"))).to_have_text("Awaiting acceptance")


def test_deliverable_rejected_then_accepted_completes_the_milestone(
    page: Page,
    console_errors: list[str],
    rep_page: Page,
    rep_console_errors: list[str],
    pm: User,
    rep: User,
    client_a,
) -> None:
    # 1. The PM starts a project for client A and plans it.
    log_in(page, pm)
    page.get_by_test_id("new-project").click()
    expect(page.get_by_test_id("page-title")).to_have_text("New project")
    form = page.get_by_test_id("project-form")
    form.locator("select[name=client]").select_option(label=client_a.name)
    form.locator("input[name=code]").fill("a-golive")
    form.locator("input[name=name]").fill("A Go-live")
    form.locator("select[name=phase]").select_option(label="Execution")
    form.locator("input[name=start_date]").fill("2026-01-05")
    form.locator("input[name=end_date]").fill("2026-12-18")
    form.locator("input[name=budget]").fill("120000")
    form.get_by_role("button", name="Create project").click()

    page.wait_for_url(re.compile(r"/projects/\d+/plan/$"))
    project = Project.objects.get(code="a-golive")
    assert path_of(page) == f"/projects/{project.pk}/plan/"
    assert project.client == client_a
    expect(page.get_by_test_id("project-name")).to_have_text("A Go-live")
    expect(page.get_by_role("alert")).to_contain_text("Project created.")

    milestone_form = page.get_by_test_id("milestone-form")
    milestone_form.locator("input[name=name]").fill("Go-live")
    milestone_form.locator("input[name=due_date]").fill("2026-11-30")
    milestone_form.get_by_role("button", name="Add milestone").click()
    expect(page.get_by_role("alert")).to_contain_text("Milestone added.")
    milestone_card = page.get_by_test_id("milestone").filter(has_text="Go-live")
    expect(_status(milestone_card)).to_have_text("Planned")

    milestone_card.get_by_text("Add a deliverable").click()
    deliverable_form = milestone_card.get_by_test_id("deliverable-form")
    prefix = "m" + deliverable_form.locator("input[name=milestone]").get_attribute("value")
    deliverable_form.locator(f"input[name={prefix}-name]").fill("Runbook")
    deliverable_form.locator(f"textarea[name={prefix}-criteria]").fill(
        f"{FIRST_CRITERION}\n{SECOND_CRITERION}\n"
    )
    deliverable_form.get_by_role("button", name="Add deliverable").click()
    expect(page.get_by_role("alert")).to_contain_text("Deliverable added.")
    row = page.get_by_test_id("deliverable-row").filter(has_text="Runbook")
    expect(_status(row)).to_have_text("In progress")

    row.get_by_role("link", name="Runbook").click()
    deliverable = Deliverable.objects.get(project=project, name="Runbook")
    staff_url = f"/projects/{project.pk}/deliverables/{deliverable.pk}/"
    assert path_of(page) == staff_url
    expect(page.get_by_test_id("criteria").locator("li")).to_have_text(
        [FIRST_CRITERION, SECOND_CRITERION]
    )
    expect(page.get_by_test_id("timeline")).to_contain_text("Not submitted to the client yet.")
    _record_passed_review(page, "Checked against both criteria.")
    _submit(page, "Ready for your review.")
    expect(page.get_by_test_id("timeline")).to_contain_text("Round 1: submitted by Paula PM")
    _assert_clean(page, console_errors)

    # 2. The PM invites the representative, who joins and rejects the deliverable.
    page.get_by_role("link", name="Members", exact=True).click()
    invite = page.get_by_test_id("invite-form")
    invite.get_by_label("E-mail address").fill(rep.email)
    invite.get_by_label("Role").select_option(label="Customer representative")
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Invitation sent to {rep.email}.")
    _assert_clean(page, console_errors)

    email = OutboxMessage.objects.get(kind="invitation", to_email=rep.email)
    link = re.search(r"/invitations/[^/\s]+/", email.body_text)
    assert link is not None, email.body_text

    log_in(rep_page, rep)
    assert path_of(rep_page) == "/portal/"
    expect(rep_page.get_by_test_id("decision")).to_have_count(0)
    rep_page.goto(link.group(0))
    expect(rep_page.get_by_role("heading", name="Join A Go-live")).to_be_visible()
    rep_page.get_by_role("button", name="Accept the invitation").click()
    rep_page.wait_for_url(re.compile(r"/portal/$"))
    expect(rep_page.get_by_role("alert")).to_contain_text("Welcome to A Go-live.")

    decision = rep_page.get_by_test_id("decision").filter(has_text="Runbook")
    expect(decision).to_contain_text("Accept or reject: Runbook")
    expect(decision).to_contain_text("A Go-live · Go-live")
    decision.click()
    portal_url = f"/portal/projects/{project.pk}/deliverables/{deliverable.pk}/"
    assert path_of(rep_page) == portal_url
    name = rep_page.get_by_test_id("deliverable-name")
    expect(_status(name)).to_have_text("Awaiting acceptance")
    decision_form = rep_page.get_by_test_id("decision-form")
    decision_form.get_by_label("Not met").first.check()
    decision_form.get_by_label("Why not").first.fill(REASON)
    decision_form.get_by_label("Comment").fill("Please add the database step.")
    decision_form.get_by_test_id("reject").click()
    expect(rep_page.get_by_role("alert")).to_contain_text("The team has your reasons")
    expect(_status(name)).to_have_text("Rejected")
    timeline = rep_page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Rejected by Rory Rep")
    expect(timeline).to_contain_text(f"{FIRST_CRITERION} — {REASON}")
    expect(timeline).not_to_contain_text(SECOND_CRITERION)
    expect(rep_page.get_by_test_id("decision-form")).to_have_count(0)
    _assert_clean(rep_page, rep_console_errors)

    # 3. The PM sees the rejection, reviews again and resubmits.
    page.goto(staff_url)
    expect(_status(page.get_by_test_id("deliverable-name"))).to_have_text("Rejected")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Rejected by Rory Rep")
    expect(timeline).to_contain_text(f"{FIRST_CRITERION} — {REASON}")
    expect(timeline).to_contain_text("Please add the database step.")
    _record_passed_review(page, "The database rollback is in section 4 now.")
    _submit(page, "Added the database rollback.")
    expect(timeline).to_contain_text("Round 2: submitted by Paula PM")
    _assert_clean(page, console_errors)

    # 4. The representative accepts; the milestone is complete on both sides.
    rep_page.goto("/portal/")
    rep_page.get_by_test_id("decision").filter(has_text="Runbook").click()
    assert path_of(rep_page) == portal_url
    expect(_status(name)).to_have_text("Awaiting acceptance")
    rep_page.get_by_test_id("decision-form").get_by_test_id("accept").click()
    expect(rep_page.get_by_role("alert")).to_contain_text("Thank you: the deliverable is accepted.")
    expect(_status(name)).to_have_text("Accepted")
    expect(rep_page.get_by_test_id("timeline")).to_contain_text("Accepted by Rory Rep")
    expect(rep_page.get_by_test_id("decision-form")).to_have_count(0)

    rep_page.goto(f"/portal/projects/{project.pk}/")
    portal_milestone = rep_page.get_by_test_id("milestone").filter(has_text="Go-live")
    expect(_status(portal_milestone)).to_have_text("Completed")
    expect(portal_milestone.get_by_test_id("status").last).to_have_text("Accepted")
    rep_page.goto("/portal/")
    expect(rep_page.get_by_test_id("decision")).to_have_count(0)
    _assert_clean(rep_page, rep_console_errors)

    page.goto(f"/projects/{project.pk}/plan/")
    milestone_card = page.get_by_test_id("milestone").filter(has_text="Go-live")
    expect(_status(milestone_card)).to_have_text("Completed")
    expect(_status(milestone_card.get_by_test_id("deliverable-row"))).to_have_text("Accepted")
    _assert_clean(page, console_errors)

    # 5. What the database keeps.
    deliverable.refresh_from_db()
    assert deliverable.status == Deliverable.Status.ACCEPTED
    assert deliverable.milestone.status == Milestone.Status.COMPLETED
    rounds = list(AcceptanceRound.objects.filter(deliverable=deliverable).order_by("number"))
    assert [(r.number, r.decision, r.decided_by) for r in rounds] == [
        (1, AcceptanceRound.Decision.REJECTED, rep),
        (2, AcceptanceRound.Decision.ACCEPTED, rep),
    ]
    failed = CriterionResult.objects.get(round=rounds[0], passed=False)
    assert (failed.criterion.text, failed.reason) == (FIRST_CRITERION, REASON)
    assert CriterionResult.objects.filter(round=rounds[0], passed=True).count() == 1
    assert CriterionResult.objects.filter(round=rounds[1], passed=True).count() == 2
