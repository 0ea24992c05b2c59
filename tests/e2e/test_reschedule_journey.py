"""Rescheduling, in three browsers: the PM moves the "Design" milestone earlier on the plan,
previews the tasks that move with it (hand-computed in working days, Monday to Friday), and
saves; a change request that re-baselines the plan moves "Go-live" a week later once the client
admin approves it in the portal; the representative then reads the new dates on the portal's
timeline, the shift between the baselines, and the re-baseline in the decision log, without ever
seeing an internal task."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from accounts.models import User
from projects.models import Baseline, Milestone, Task, Visibility
from projects.services.baselines import baseline_set_first
from projects.services.milestones import milestone_create
from projects.services.tasks import dependency_add, task_create
from stakeholders.models import ChangeRequest
from stakeholders.services.changes import (
    change_request_approve,
    change_request_assess,
    change_request_create,
)
from tests.e2e.conftest import csp_violations, log_in, open_watched_page, path_of

pytestmark = pytest.mark.e2e

# Distinctive names of the team's internal tasks: never on a client's page.
INTERNAL_DESIGN_TASK = "Visual design (internal)"
INTERNAL_TASK = "Zanzibar margin review"
CHANGE_TITLE = "Migrate the legacy orders before go-live"


@pytest.fixture
def extra_pages(live_server, browser: Browser) -> Iterator[list[Page]]:
    pages: list[Page] = []
    yield pages
    for page in pages:
        page.context.close()


def _open(browser: Browser, live_server, pages: list[Page]) -> tuple[Page, list[str]]:
    errors: list[str] = []
    page = open_watched_page(browser, live_server.url, errors)
    pages.append(page)
    return page, errors


def _assert_clean(page: Page, errors: list[str]) -> None:
    assert errors == []
    assert csp_violations(page) == []


def _dates(task: Task) -> tuple[date | None, date | None]:
    task.refresh_from_db()
    return task.start_date, task.due_date


def _milestone_section(page: Page, name: str) -> Locator:
    """The plan's card of the milestone named `name`."""
    return page.get_by_test_id("milestone").filter(has=page.locator(".card-header", has_text=name))


def _assert_no_internal_item(page: Page) -> None:
    body = page.locator("body")
    expect(body).not_to_contain_text(INTERNAL_TASK)
    expect(body).not_to_contain_text(INTERNAL_DESIGN_TASK)


def test_pm_moves_a_milestone_then_a_rebaselining_change_reaches_the_client(
    page: Page,
    console_errors: list[str],
    browser: Browser,
    live_server,
    extra_pages: list[Page],
    pm: User,
    client_admin: User,
    rep: User,
    project,
) -> None:
    # The plan, in 2027: Design due Friday March 19, Go-live Thursday April 1.
    design = milestone_create(actor=pm, project=project, name="Design", due_date=date(2027, 3, 19))
    golive = milestone_create(actor=pm, project=project, name="Go-live", due_date=date(2027, 4, 1))
    wireframes = task_create(
        actor=pm,
        project=project,
        name="Wireframes",
        milestone=design,
        start_date=date(2027, 3, 8),
        due_date=date(2027, 3, 12),
        visibility=Visibility.CLIENT,
    )
    visual = task_create(
        actor=pm,
        project=project,
        name=INTERNAL_DESIGN_TASK,
        milestone=design,
        start_date=date(2027, 3, 15),
        due_date=date(2027, 3, 19),
    )
    rehearsal = task_create(
        actor=pm,
        project=project,
        name="Launch rehearsal",
        milestone=golive,
        start_date=date(2027, 3, 22),
        due_date=date(2027, 3, 26),
        visibility=Visibility.CLIENT,
    )
    internal = task_create(
        actor=pm,
        project=project,
        name=INTERNAL_TASK,
        milestone=golive,
        start_date=date(2027, 3, 29),
        due_date=date(2027, 3, 31),
    )
    dependency_add(actor=pm, predecessor=wireframes, successor=visual, kind="fs", lag_days=0)
    dependency_add(actor=pm, predecessor=visual, successor=rehearsal, kind="fs", lag_days=0)
    dependency_add(actor=pm, predecessor=rehearsal, successor=internal, kind="fs", lag_days=0)
    baseline_set_first(actor=pm, project=project)
    admin_page, admin_errors = _open(browser, live_server, extra_pages)
    rep_page, rep_errors = _open(browser, live_server, extra_pages)

    # 1. The PM moves Design from Friday March 19 to Thursday March 11: six working days
    #    earlier. Both of its tasks end after March 11, so both move six working days earlier
    #    (weekends skipped); Launch rehearsal, their successor, is only ever pushed later, so
    #    it stays, and so does Go-live.
    log_in(page, pm)
    page.goto(f"/projects/{project.pk}/plan/")
    section = _milestone_section(page, "Design")
    section.get_by_text("Edit the milestone").click()
    form = section.get_by_test_id("milestone-edit-form")
    expect(form).to_be_visible()
    form.locator(f"input[name='e{design.pk}-due_date']").fill("2027-03-11")
    form.get_by_test_id("preview-button").click()

    section = _milestone_section(page, "Design")
    preview = section.get_by_test_id("reschedule-preview")
    expect(preview).to_be_visible()
    rows = preview.get_by_test_id("reschedule-row")
    expect(rows).to_have_count(3)
    expected = [
        (f"m{design.pk}", "Design", "Mar 19, 2027", "Mar 11, 2027"),
        (
            f"t{wireframes.pk}",
            "Wireframes",
            "Mar 8, 2027 – Mar 12, 2027",
            "Feb 26, 2027 – Mar 4, 2027",
        ),
        (
            f"t{visual.pk}",
            INTERNAL_DESIGN_TASK,
            "Mar 15, 2027 – Mar 19, 2027",
            "Mar 5, 2027 – Mar 11, 2027",
        ),
    ]
    for index, (key, name, before, after) in enumerate(expected):
        row = rows.nth(index)
        expect(row).to_have_attribute("data-key", key)
        expect(row).to_contain_text(name)
        expect(row.get_by_test_id("reschedule-from")).to_have_text(before)
        expect(row.get_by_test_id("reschedule-to")).to_have_text(after)
    expect(preview).not_to_contain_text("Launch rehearsal")
    expect(preview).not_to_contain_text("Go-live")
    # The preview keeps the date entered and saves nothing.
    expect(section.locator(f"input[name='e{design.pk}-due_date']")).to_have_value("2027-03-11")
    design.refresh_from_db()
    assert design.due_date == date(2027, 3, 19)
    assert _dates(wireframes) == (date(2027, 3, 8), date(2027, 3, 12))
    assert _dates(visual) == (date(2027, 3, 15), date(2027, 3, 19))
    _assert_clean(page, console_errors)

    section.get_by_test_id("save-button").click()
    page.wait_for_url(re.compile(rf"/projects/{project.pk}/plan/$"))
    expect(page.get_by_role("alert")).to_contain_text(
        "Milestone saved; 2 other items moved with it."
    )
    design.refresh_from_db()
    assert design.due_date == date(2027, 3, 11)
    assert design.baseline_due_date == date(2027, 3, 19)  # the baseline stays
    assert _dates(wireframes) == (date(2027, 2, 26), date(2027, 3, 4))
    assert _dates(visual) == (date(2027, 3, 5), date(2027, 3, 11))
    assert _dates(rehearsal) == (date(2027, 3, 22), date(2027, 3, 26))
    assert _dates(internal) == (date(2027, 3, 29), date(2027, 3, 31))
    golive.refresh_from_db()
    assert golive.due_date == date(2027, 4, 1)
    expect(_milestone_section(page, "Design")).to_contain_text(
        "Due Mar 11, 2027 · baseline Mar 19, 2027"
    )
    _assert_clean(page, console_errors)

    # 2. A change request moves Go-live a week later and re-baselines the plan; the PM has
    #    assessed and approved it, the client admin approves it in the portal.
    change = change_request_create(
        actor=pm,
        project=project,
        title=CHANGE_TITLE,
        reason="The legacy orders must be in the new system on day one.",
    )
    change = change_request_assess(
        actor=pm,
        change_request=change,
        scope_impact="One migration run more.",
        cost_impact=Decimal(0),
        schedule={golive.pk: 7},
        rebaseline=True,
    )
    change = change_request_approve(actor=pm, change_request=change)
    golive.refresh_from_db()
    assert golive.due_date == date(2027, 4, 1)  # one side approved: nothing moves yet

    log_in(admin_page, client_admin)
    admin_page.goto(f"/portal/projects/{project.pk}/change-requests/{change.pk}/")
    expect(admin_page.get_by_test_id("cr-rebaseline")).to_contain_text(
        "Once both sides approve, the plan with this change becomes the new baseline."
    )
    admin_page.get_by_test_id("cr-decision-form").get_by_role("button", name="Approve").click()
    expect(admin_page.get_by_role("alert")).to_contain_text("Your decision is recorded.")
    expect(admin_page.get_by_test_id("status")).to_have_text("Approved")
    expect(admin_page.get_by_test_id("cr-rebaseline")).to_contain_text(
        "This change re-baselined the plan: baseline 2."
    )
    assert path_of(admin_page) == f"/portal/projects/{project.pk}/change-requests/{change.pk}/"
    _assert_no_internal_item(admin_page)
    _assert_clean(admin_page, admin_errors)

    change = ChangeRequest.objects.get(pk=change.pk)
    assert change.status == ChangeRequest.Status.APPROVED
    golive = Milestone.objects.get(pk=golive.pk)
    assert golive.due_date == date(2027, 4, 8)
    assert golive.baseline_due_date == date(2027, 4, 8)  # re-baselined
    design.refresh_from_db()
    assert design.baseline_due_date == date(2027, 3, 11)  # the whole plan as it stands
    baseline = Baseline.objects.get(project=project, number=2)
    assert change.baseline_id == baseline.pk
    assert baseline.change_reference == change.reference
    # Go-live moved later: its tasks still end before it, nothing else moves.
    assert _dates(rehearsal) == (date(2027, 3, 22), date(2027, 3, 26))
    assert _dates(internal) == (date(2027, 3, 29), date(2027, 3, 31))

    # 3. The representative reads the new plan: the timeline, the baselines, the decision log.
    log_in(rep_page, rep)
    rep_page.goto(f"/portal/projects/{project.pk}/timeline/")
    table = rep_page.get_by_test_id("timeline-table")
    golive_row = table.locator(f"[data-key='m{golive.pk}']")
    expect(golive_row).to_contain_text("Go-live")
    expect(golive_row).to_contain_text("Apr 8, 2027")
    expect(golive_row).not_to_contain_text("baseline")  # re-baselined: no slippage shown
    design_row = table.locator(f"[data-key='m{design.pk}']")
    expect(design_row).to_contain_text("Mar 11, 2027")
    expect(design_row).not_to_contain_text("baseline")  # baseline 2 holds the moved Design
    wireframes_row = table.locator(f"[data-key='t{wireframes.pk}']")
    expect(wireframes_row).to_contain_text("Feb 26, 2027")
    expect(wireframes_row).to_contain_text("Mar 4, 2027")
    expect(table.locator(f"[data-key='t{visual.pk}']")).to_have_count(0)
    expect(table.locator(f"[data-key='t{internal.pk}']")).to_have_count(0)
    _assert_no_internal_item(rep_page)
    _assert_clean(rep_page, rep_errors)

    rep_page.goto(f"/portal/projects/{project.pk}/baselines/")
    baselines = rep_page.get_by_test_id("baseline-row")
    expect(baselines).to_have_count(2)
    expect(baselines.nth(0)).to_contain_text("Baseline 2")
    expect(baselines.nth(0)).to_contain_text("Current")
    expect(baselines.nth(0)).to_contain_text(f"{change.reference}: {CHANGE_TITLE}")
    expect(baselines.nth(1)).to_contain_text("Baseline 1")
    compare = rep_page.get_by_test_id("baseline-compare-form")
    compare.locator("select[name=from]").select_option("1")
    compare.locator("select[name=to]").select_option("2")
    compare.get_by_role("button", name="Compare").click()
    rep_page.wait_for_url(re.compile(r"/baselines/\?from=1&to=2$"))
    items = rep_page.get_by_test_id("baseline-item")
    golive_item = items.filter(has_text="Go-live")
    expect(golive_item).to_contain_text("Apr 1, 2027")
    expect(golive_item).to_contain_text("Apr 8, 2027")
    expect(golive_item.get_by_test_id("shift-later")).to_have_text("7 days later")
    design_item = items.filter(has_text="Design")
    expect(design_item).to_contain_text("Mar 19, 2027")
    expect(design_item).to_contain_text("Mar 11, 2027")
    expect(design_item.get_by_test_id("shift-earlier")).to_have_text("8 days earlier")
    expect(items.filter(has_text="Wireframes").get_by_test_id("shift-earlier")).to_have_text(
        "8 days earlier"
    )
    expect(items.filter(has_text="Launch rehearsal")).to_contain_text("same day")
    _assert_no_internal_item(rep_page)
    _assert_clean(rep_page, rep_errors)

    rep_page.goto(f"/portal/projects/{project.pk}/decisions/")
    log = rep_page.locator("main")
    expect(log).to_contain_text("Plan re-baselined")
    expect(log).to_contain_text(f"Baseline 2: {change.reference}: {CHANGE_TITLE}")
    expect(log).to_contain_text("Baseline set")
    expect(log).to_contain_text("Change request approved")
    _assert_no_internal_item(rep_page)
    _assert_clean(rep_page, rep_errors)
    _assert_clean(page, console_errors)
