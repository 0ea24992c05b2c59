"""Tasks in the browser: the team member changes a task's status inline (htmx), the PM sees
the timeline drawn by frappe-gantt with the critical path, and the customer representative
sees only the client-visible tasks; no CSP violation anywhere."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from projects.models import Task, Visibility
from projects.services.tasks import dependency_add, task_create
from tests.e2e.conftest import csp_violations, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def plan(cast):
    build = task_create(
        actor=cast.pm,
        project=cast.project,
        name="Build the interface",
        assignee=cast.teammate,
        visibility=Visibility.CLIENT,
        start_date=date(2027, 1, 4),
        due_date=date(2027, 1, 8),
    )
    secret = task_create(
        actor=cast.pm,
        project=cast.project,
        name="Secret vendor switch",
        start_date=date(2027, 1, 4),
        due_date=date(2027, 1, 5),
    )
    test = task_create(
        actor=cast.pm,
        project=cast.project,
        name="Test with the client",
        visibility=Visibility.CLIENT,
        start_date=date(2027, 1, 13),
        due_date=date(2027, 1, 14),
    )
    dependency_add(actor=cast.pm, predecessor=build, successor=test)
    return build, secret, test


def test_team_member_changes_status_inline(page: Page, cast, plan, console_errors):
    build, _secret, _test = plan
    log_in(page, cast.teammate)
    page.goto(f"/projects/{cast.project.pk}/tasks/")
    row = page.locator(f"#task-{build.pk}")
    with page.expect_response(lambda response: "/quick/" in response.url):
        row.get_by_label("Status").select_option("done")
    expect(page.locator(f"#task-{build.pk}").get_by_label("% complete")).to_have_value("100")
    build.refresh_from_db()
    assert (build.status, build.percent_complete) == (Task.Status.DONE, 100)
    assert console_errors == []
    assert csp_violations(page) == []


def test_timeline_draws_the_gantt_with_the_critical_path(page: Page, cast, plan, console_errors):
    build, secret, test = plan
    log_in(page, cast.pm)
    page.goto(f"/projects/{cast.project.pk}/timeline/")
    # Test finishes last; Build ends on Friday and Test is planned from Wednesday: Monday and
    # Tuesday are 2 working days of slack.
    expect(page.locator(f".bar-wrapper[data-id='t{test.pk}']")).to_have_class(
        "bar-wrapper gantt-critical"
    )
    expect(page.locator(f".bar-wrapper[data-id='t{build.pk}']")).to_contain_text("slack 2 d")
    expect(page.locator(f".bar-wrapper[data-id='t{secret.pk}']")).to_be_attached()
    expect(page.locator(f"path[data-from='t{build.pk}'][data-to='t{test.pk}']")).to_be_attached()
    assert console_errors == []
    assert csp_violations(page) == []


def test_portal_timeline_shows_only_client_visible_tasks(page: Page, cast, plan, console_errors):
    build, secret, _test = plan
    log_in(page, cast.rep)
    page.goto(f"/portal/projects/{cast.project.pk}/timeline/")
    expect(page.locator(f".bar-wrapper[data-id='t{build.pk}']")).to_be_attached()
    expect(page.locator(f".bar-wrapper[data-id='t{secret.pk}']")).to_have_count(0)
    expect(page.get_by_text("Secret vendor switch")).to_have_count(0)
    assert console_errors == []
    assert csp_violations(page) == []
