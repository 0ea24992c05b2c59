"""Browser journeys: a live Django server, headless Chromium driven by Playwright's sync API.

Playwright's sync API runs an event loop in the main thread, which makes Django refuse ORM calls
from the test body ("You cannot call this from an async context"). The tests are synchronous, so
the guard is lifted for this session before any database access.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from accounts.models import User
from tests.clock import OFFSET_DAYS
from tests.factories import DEFAULT_PASSWORD, totp_code

CHROMIUM = os.environ.get("RAPPORT_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS_DIR = Path(settings.BASE_DIR) / "var" / "test-results"
TIMEOUT_MS = 10_000

# Records every CSP violation in the page, whatever the console says.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    """Keeps each phase's report on the test item, so that fixtures know a test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (set RAPPORT_E2E_CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            # Playwright's greenlets leave the test code in another contextvars context than
            # the one pytest-django set the database up in, so Django's (context-local)
            # connections used by the tests since are other objects, which the test database
            # teardown would not close ("database ... is being accessed by other users").
            connections.close_all()


@pytest.fixture
def console_errors() -> list[str]:
    """Console messages of type "error" (CSP violations, failed loads, script errors) and
    uncaught page errors seen by the `page` fixture."""
    return []


def open_watched_page(browser: Browser, base_url: str, errors: list[str]) -> Page:
    """A page in a new browser context (its own cookies) whose console errors, uncaught errors
    and CSP violations are collected in `errors`; close it with page.context.close()."""
    context = browser.new_context(
        base_url=base_url,
        locale="en-US",
        timezone_id="UTC",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    if OFFSET_DAYS:  # the browser's clock shows the server's day (tests/clock.py); time still flows
        context.clock.install(time=datetime.now(UTC))
    context.add_init_script(CSP_WATCH)
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        source = message.location.get("url", "")
        errors.append(f"{page.url}: {message.text} ({source})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return page


@pytest.fixture
def page(
    request: pytest.FixtureRequest, transactional_db, live_server, browser: Browser, console_errors
) -> Iterator[Page]:
    page = open_watched_page(browser, live_server.url, console_errors)
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
            # A screenshot is a courtesy: it never adds a second error to a failure.
            with contextlib.suppress(Exception):
                page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
        page.context.close()


def csp_violations(page: Page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def fresh_totp_code() -> str:
    """The current authenticator code, with time left to use it: allauth accepts only the
    current 30-second period (no tolerance), so a code computed just before the period ends
    would be stale by the time the server checks it."""
    period = 30
    remaining = period - time.time() % period
    if remaining < 3:
        time.sleep(remaining + 0.1)
    return totp_code()


def log_in(page: Page, user: User, password: str = DEFAULT_PASSWORD) -> None:
    """Signs in through allauth's form: e-mail and password, then the authenticator code for
    provider people (who are TOTP-enrolled), and waits until the app has left /accounts/."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(password)
    page.locator("form[action='/accounts/login/'] button[type=submit]:not([form])").click()
    if user.is_provider_user:
        page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
        page.locator("input[name=code]").fill(fresh_totp_code())
        page.locator(
            "form[action='/accounts/2fa/authenticate/'] button[type=submit]:not([form])"
        ).click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def path_of(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("?")[0]
