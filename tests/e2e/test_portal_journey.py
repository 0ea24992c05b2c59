"""The client portal as one product, in the browser.

A client admin invites a colleague as customer representative (the form submitted with the
keyboard); the colleague accepts the invitation, sees only their organisation's projects and
clears four waiting items from the home page in place (htmx). The same journey at 375 px
(nothing overflows the page) and in Chinese. axe-core (vendored from npm in tests/e2e/vendor/)
checks the portal pages and the main staff pages for serious or critical violations; the main
forms are reachable by keyboard alone."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from feedback.models import FeedbackTicket, TicketStatus
from notifications.models import OutboxMessage
from projects.models import Membership, Role, Task, Visibility
from projects.services.tasks import task_create
from stakeholders.models import Requirement
from tests.e2e.conftest import csp_violations, log_in, open_watched_page, path_of
from tests.portal.conftest import clarified_requirement, resolved_ticket

pytestmark = pytest.mark.e2e

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => {
      const nodes = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ");
      return `${v.id} (${v.impact}): ${nodes}`;
    });
}"""
PASSWORD = "a-Long-and-new-passphrase-42"
# Strings already in the Chinese catalogue (locale/): the home page's heading and the nav.
CHINESE = {"What needs my decision": "待我决策"}


def axe_violations(page: Page) -> list[str]:
    """Serious and critical accessibility violations of the page as it is now. The CSP forbids
    inline scripts, so axe is evaluated through the devtools protocol, not added as a tag."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(AXE_RUN)


def assert_fits(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{path_of(page)} is {scroll_width}px wide"


def assert_clean(page: Page, errors: list[str]) -> None:
    assert errors == []
    assert csp_violations(page) == []


@pytest.fixture
def colleague_errors() -> list[str]:
    return []


def _colleague_page(browser: Browser, base_url: str, errors: list[str], width: int) -> Page:
    page = open_watched_page(browser, base_url, errors)
    page.set_viewport_size({"width": width, "height": 800})
    return page


@pytest.fixture
def waiting(cast) -> dict[str, Any]:
    """Four single-click items that will wait for any customer representative of client A (the
    task of the client's is assigned to no one: the client's side as a whole)."""
    today = timezone.localdate()
    return {
        "requirements": [
            clarified_requirement(cast, "Scan barcodes at the dock"),
            clarified_requirement(cast, "Print pick lists"),
        ],
        "ticket": resolved_ticket(cast, "Labels print twice", raiser=cast.client_admin),
        "client_task": task_create(
            actor=cast.pm,
            project=cast.project,
            name="Provide the item master data",
            owner_side=Task.OwnerSide.CLIENT,
            visibility=Visibility.CLIENT,
            start_date=today - timedelta(days=2),
            due_date=today + timedelta(days=3),
        ),
    }


@pytest.mark.parametrize(
    ("language", "width"),
    [("en", 1280), ("en", 375), ("zh-hans", 375)],
    ids=["desktop", "phone", "phone-chinese"],
)
def test_client_admin_invites_a_colleague_who_clears_four_waiting_items(
    page: Page,
    console_errors: list[str],
    browser: Browser,
    live_server,
    colleague_errors: list[str],
    cast,
    waiting,
    language: str,
    width: int,
) -> None:
    project = cast.project
    email = "newrep@a.test"

    # 1. The client admin invites a colleague as customer representative, by keyboard.
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, cast.client_admin)
    page.goto(f"/portal/projects/{project.pk}/members/")
    assert_fits(page, width)
    invite = page.get_by_test_id("invite-form")
    invite.get_by_label("E-mail address").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    role = invite.get_by_label("Role")
    assert page.evaluate("document.activeElement.name") == "role"
    role.select_option(label="Customer representative")
    role.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(f"Invitation sent to {email}.")
    assert axe_violations(page) == []
    assert_clean(page, console_errors)

    message = OutboxMessage.objects.get(kind="invitation", to_email=email)
    link = re.search(r"/invitations/[^/\s]+/", message.body_text)
    assert link is not None, message.body_text

    # 2. The colleague accepts: a new account, in their language.
    colleague = _colleague_page(browser, live_server.url, colleague_errors, width)
    try:
        colleague.goto(link.group(0))
        assert_fits(colleague, width)
        colleague.locator("input[name=display_name]").fill("Nina New")
        colleague.locator("input[name=password1]").fill(PASSWORD)
        colleague.locator("input[name=password2]").fill(PASSWORD)
        colleague.locator("#id_language").select_option(language)
        colleague.get_by_role("button", name="Create my account and join").click()
        colleague.wait_for_url(re.compile(r"/portal/$"))
        person = User.objects.get(email=email)
        assert Membership.objects.get(user=person, project=project).role == Role.CUSTOMER_REP
        expect(colleague.locator("html")).to_have_attribute("lang", language)
        heading = "What needs my decision"
        expect(colleague.get_by_test_id("page-title")).to_have_text(
            CHINESE[heading] if language == "zh-hans" else heading
        )

        # 3. Only their organisation's projects.
        table = colleague.get_by_test_id("project-table")
        expect(table.get_by_role("link", name=project.name)).to_be_visible()
        expect(table).not_to_contain_text(cast.other_project.name)
        expect(colleague.get_by_test_id("portal-organization")).to_have_text("Client A")

        # 4. Four items wait; each is cleared in place, and the badge counts down.
        items = colleague.get_by_test_id("waiting-item")
        expect(items).to_have_count(4)
        expect(items.filter(has_text="Provide the item master data")).to_have_count(1)
        expect(colleague.get_by_test_id("waiting-badge")).to_have_attribute(
            "data-waiting-count", "4"
        )
        assert_fits(colleague, width)
        assert axe_violations(colleague) == []
        for remaining in (3, 2, 1, 0):
            items.first.get_by_test_id("decision-action").click()
            expect(items).to_have_count(remaining)
            expect(colleague.get_by_test_id("waiting-badge")).to_have_attribute(
                "data-waiting-count", str(remaining)
            )
        assert path_of(colleague) == "/portal/"  # no page load: swapped in place
        assert Task.objects.get(pk=waiting["client_task"].pk).status == Task.Status.DONE

        # 5. The project page and the onboarding page fit the screen as well.
        for path in (f"/portal/projects/{project.pk}/", f"/portal/projects/{project.pk}/welcome/"):
            colleague.goto(path)
            assert_fits(colleague, width)
            assert axe_violations(colleague) == []
        assert_clean(colleague, colleague_errors)
    finally:
        colleague.context.close()

    for requirement in waiting["requirements"]:
        requirement.refresh_from_db()
        assert requirement.status == Requirement.Status.CONFIRMED
    ticket = FeedbackTicket.objects.get(pk=waiting["ticket"].pk)
    assert ticket.status == TicketStatus.CONFIRMED
    assert ticket.confirmed_by == person


PORTAL_PAGES = [
    "/portal/",
    "/portal/projects/",
    "/portal/projects/{project}/",
    "/portal/projects/{project}/timeline/",
    "/portal/projects/{project}/requirements/",
    "/portal/projects/{project}/requirements/new/",
    "/portal/projects/{project}/change-requests/",
    "/portal/projects/{project}/meetings/",
    "/portal/projects/{project}/risks/",
    "/portal/projects/{project}/feedback/",
    "/portal/projects/{project}/members/",
    "/portal/projects/{project}/audit-log/",
    "/portal/projects/{project}/welcome/",
    "/portal/surveys/",
    "/portal/feedback/",
    "/portal/todo/",
]


def test_portal_pages_have_no_serious_accessibility_violations_and_fit_a_phone(
    page: Page, console_errors: list[str], cast, waiting
) -> None:
    log_in(page, cast.client_admin)
    failures: dict[str, Any] = {}
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for template in PORTAL_PAGES:
            path = template.format(project=cast.project.pk)
            response = page.goto(path)
            assert response is not None, path
            assert response.status == 200, path
            if width == 1280:
                violations = axe_violations(page)
                if violations:
                    failures[path] = violations
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                failures[f"{path} at {width}px"] = f"{scroll_width}px wide"
    assert failures == {}, "\n".join(f"{key}: {value}" for key, value in failures.items())
    assert_clean(page, console_errors)


STAFF_PAGES = [
    "/projects/",
    "/projects/{project}/",
    "/projects/{project}/plan/",
    "/projects/{project}/members/",
    "/projects/{project}/requirements/",
    "/projects/{project}/risks/",
    "/projects/{project}/feedback/",
    "/portal/view-as/projects/{project}/",
]


def test_main_staff_pages_have_no_serious_accessibility_violations(
    page: Page, console_errors: list[str], cast, waiting
) -> None:
    log_in(page, cast.pm)
    failures: dict[str, Any] = {}
    for template in STAFF_PAGES:
        path = template.format(project=cast.project.pk)
        response = page.goto(path)
        assert response is not None, path
        assert response.status == 200, path
        violations = axe_violations(page)
        if violations:
            failures[path] = violations
    assert failures == {}, "\n".join(f"{key}: {value}" for key, value in failures.items())
    assert_clean(page, console_errors)


def _tab_until(page: Page, selector: str, limit: int = 60) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return True
    return False


def test_the_main_portal_forms_work_by_keyboard_alone(
    page: Page, console_errors: list[str], cast, waiting
) -> None:
    log_in(page, cast.rep)
    # A new requirement: Tab reaches the title, the description and the submit button.
    page.goto(f"/portal/projects/{cast.project.pk}/requirements/new/")
    assert _tab_until(page, "[name=title]")
    page.keyboard.type("Export to Excel")
    assert _tab_until(page, "form [type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/requirements/\d+/$"))
    assert Requirement.objects.filter(title="Export to Excel").exists()

    # The waiting list: Tab reaches an in-place action, Enter takes it.
    page.goto("/portal/")
    expect(page.get_by_test_id("waiting-item")).to_have_count(4)
    assert _tab_until(page, "[data-testid=decision-action]")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("waiting-item")).to_have_count(3)
    assert_clean(page, console_errors)


def test_view_as_the_client_is_bannered_and_read_only_in_the_browser(
    page: Page, console_errors: list[str], cast, waiting
) -> None:
    log_in(page, cast.pm)
    page.goto(f"/projects/{cast.project.pk}/")
    page.get_by_test_id("view-as-client").click()
    page.locator("select[name=person]").select_option(label="Rory Rep · Customer representative")
    page.get_by_role("button", name="Open the portal as this person").click()
    page.wait_for_url(re.compile(rf"/portal/projects/{cast.project.pk}/$"))
    expect(page.get_by_test_id("view-as-banner")).to_contain_text("Rory Rep")

    page.goto("/portal/")
    expect(page.get_by_test_id("waiting-item")).to_have_count(4)
    expect(page.get_by_test_id("decision-action").first).to_be_disabled()
    assert axe_violations(page) == []

    page.get_by_test_id("view-as-stop").click()
    page.wait_for_url(re.compile(rf"/projects/{cast.project.pk}/$"))
    for requirement in waiting["requirements"]:
        requirement.refresh_from_db()
        assert requirement.status == Requirement.Status.CLARIFIED
    assert_clean(page, console_errors)
