"""The page walk: every page of the role table, for every role that may open it, at 1366, 768
and 375 px, in English and in Chinese, checked for sideways overflow, words broken mid-word,
overlapping controls, console errors, English left in the Chinese chrome and serious or critical
axe-core violations (the checks and their rules: tests/e2e/walk.py).

The world is the confidentiality suite's (tests/confidentiality/test_role_table.py's full_cast),
built once; the pages and who may open them come from its role table (PAGES: the roles whose
expected outcome is 200). Pages that are not HTML documents are left out, found by a first GET
as one of their roles: exports and downloads (CSV, XLSX, PDF, files), the OpenAPI schema, the
health probes (text), and htmx fragments (discussions:thread: checked inside the page that holds
it). The API's Swagger UI (api-docs) is a third-party page and left out by name; the Django
admin's pages are not in PAGES and are not walked.

Each person signs in once (a session of Django's test client, handed to the browser as a
cookie) and walks each language in a browser context of their own; in the Chinese pass every
person's language is Simplified Chinese and the anonymous visitor carries the django_language
cookie (the survey's pages, which speak the invitation's language, are not checked for Chinese).
Each (page, role, language) is loaded once and its three widths are checked by resizing the
viewport in place. The roles are shared out between two browsers (RAPPORT_PAGE_WALK_WORKERS), so
that the browser's work and the live server's overlap on two cores. Every failure goes to
var/test-results/page-walk.txt with the figures of the run. RAPPORT_PAGE_WALK_ONLY (a regular
expression on the URL names) walks only the matching pages, while fixing them; the test of the
checks themselves (pages with one defect each, and clean ones) always runs.
"""

from __future__ import annotations

import os
import queue
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Page, sync_playwright

from accounts.models import User
from tests.confidentiality import test_role_table
from tests.confidentiality.role_table import PAGES, ROLES
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, RESULTS_DIR, open_watched_page, path_of
from tests.e2e.walk import (
    CHINESE,
    HEIGHT,
    WIDTHS,
    Finding,
    Stopwatch,
    UntranslatedRule,
    inspect_loaded_page,
    prepare_context,
    summarize,
    world_data_values,
)

pytestmark = pytest.mark.e2e

# The world of the role table, built through its own fixture (once: the walk is one test).
full_cast = test_role_table.full_cast

LANGUAGES = ("en", CHINESE)
REPORT = RESULTS_DIR / "page-walk.txt"
NOT_PRODUCT_PAGES = {"api-docs": "the API's Swagger UI, a third-party page"}
# Pages in a language of their own whatever the visitor's: not checked for Chinese. The survey's
# pages speak the invitation's language (feedback/views/answer.py), English in this world.
OWN_LANGUAGE_PAGES = {"feedback:survey_answer", "feedback:survey_unsubscribe"}
# Browsers walking side by side (each role's pages in one of them).
WORKERS = max(1, int(os.environ.get("RAPPORT_PAGE_WALK_WORKERS", "2")))
# While fixing a page: walk only the pages whose URL name matches this regular expression.
ONLY = re.compile(os.environ.get("RAPPORT_PAGE_WALK_ONLY", ""))


@dataclass
class PlannedPage:
    name: str
    path: str
    roles: list[str]


@dataclass
class Plan:
    pages: list[PlannedPage] = field(default_factory=list)
    left_out: dict[str, str] = field(default_factory=dict)


def _first_get(cast: Any, role: str, path: str) -> Any:
    client = Client()
    user = cast.by_name(role)
    if user is not None:
        client.force_login(user)
    return client.get(path)


def plan_walk(cast: Any) -> Plan:
    """The HTML pages of the role table and the roles that may open each (expected 200)."""
    plan = Plan()
    for name, entry in sorted(PAGES.items()):
        roles = [role for role in ROLES if entry.expect[role] == 200]
        if not roles:
            continue
        if not ONLY.search(name):
            continue
        if name in NOT_PRODUCT_PAGES:
            plan.left_out[name] = NOT_PRODUCT_PAGES[name]
            continue
        path = reverse(name, kwargs=entry.kwargs(cast))
        response = _first_get(cast, roles[0], path)
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html"):
            plan.left_out[name] = f"not HTML ({content_type.split(';')[0]})"
            continue
        if b"<html" not in response.content[:2000].lower():
            plan.left_out[name] = "an HTML fragment (htmx partial)"
            continue
        plan.pages.append(PlannedPage(name=name, path=path, roles=roles))
    return plan


def session_cookie(user: User, base_url: str) -> dict[str, str]:
    """A signed-in session of the user, as a browser cookie (Django's test client signs in)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}


def role_cookies(cast: Any, role: str, language: str, base_url: str) -> list[dict[str, str]]:
    """The cookies of a browser context for the role: the person's session (their language is
    their preference), or the language cookie for the anonymous visitor."""
    user = cast.by_name(role)
    if user is None:
        return [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    return [session_cookie(user, base_url)]


@dataclass(frozen=True)
class Failure:
    page: str
    role: str
    language: str
    finding: Finding

    @property
    def check(self) -> str:
        return self.finding.check

    def sort_key(self) -> tuple[str, str, str, int, str, str]:
        finding = self.finding
        return (self.page, self.role, self.language, finding.width or 0, self.check, finding.detail)

    def line(self) -> str:
        width = str(self.finding.width) if self.finding.width else "-"
        cells = [self.page, self.role, self.language, width, self.check]
        cells += [self.finding.detail, self.finding.selector]
        return "\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in cells)


@dataclass
class Walk:
    loads: int = 0
    pairs: set[tuple[str, str]] = field(default_factory=set)
    failures: list[Failure] = field(default_factory=list)
    seconds: Counter[str] = field(default_factory=Counter)  # per step, over every load

    def add(self, other: Walk) -> None:
        self.loads += other.loads
        self.pairs |= other.pairs
        self.failures += other.failures
        self.seconds.update(other.seconds)


@dataclass(frozen=True)
class Job:
    """One role's pages in one language: one browser context, signed in once."""

    role: str
    language: str
    cookies: list[dict[str, str]]
    pages: list[PlannedPage]


def walk_role(page: Page, errors: list[str], job: Job, rule: UntranslatedRule | None) -> Walk:
    walk = Walk()
    for item in job.pages:
        errors.clear()
        page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
        walk.loads += 1
        walk.pairs.add((item.name, job.role))

        def fail(finding: Finding, item: PlannedPage = item) -> None:
            walk.failures.append(Failure(item.name, job.role, job.language, finding))

        try:
            with Stopwatch(walk.seconds)("load"):
                response = page.goto(item.path, wait_until="load")
        except Exception as error:  # a failed load is a finding, not a crash
            fail(Finding("load", None, "", f"{item.path}: {error}".splitlines()[0]))
            continue
        status = response.status if response else None
        if status != 200 or path_of(page) != item.path:
            fail(Finding("load", None, "", f"GET {item.path} gave {status} at {path_of(page)}"))
            continue
        page_rule = None if item.name in OWN_LANGUAGE_PAGES else rule
        for finding in inspect_loaded_page(
            page, errors=errors, rule=page_rule, seconds=walk.seconds
        ):
            fail(finding)
    return walk


def walk_jobs(
    browser: Browser, base_url: str, jobs: queue.Queue[Job], rule: UntranslatedRule
) -> Walk:
    """Takes jobs until none is left, each in a browser context of its own."""
    walk = Walk()
    while True:
        try:
            job = jobs.get_nowait()
        except queue.Empty:
            return walk
        errors: list[str] = []
        page = open_watched_page(browser, base_url, errors)
        try:
            prepare_context(page.context)
            page.context.add_cookies(job.cookies)  # type: ignore[arg-type]
            walk.add(walk_role(page, errors, job, rule if job.language == CHINESE else None))
        finally:
            page.context.close()


def walk_in_a_browser_of_its_own(
    base_url: str, jobs: queue.Queue[Job], rule: UntranslatedRule, out: list[Any]
) -> None:
    """A second walker, in a thread: Playwright's sync API wants one instance per thread."""
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                out.append(walk_jobs(browser, base_url, jobs, rule))
            finally:
                browser.close()
    except BaseException as error:  # handed to the main thread, which raises it
        out.append(error)


def walk_language(browser: Browser, base_url: str, jobs: list[Job], rule: UntranslatedRule) -> Walk:
    """The jobs of one language over WORKERS browsers (the longest first): the browser's work
    and the live server's overlap on two cores."""
    queued: queue.Queue[Job] = queue.Queue()
    for job in sorted(jobs, key=lambda job: -len(job.pages)):
        queued.put(job)
    outs: list[list[Any]] = [[] for _ in range(WORKERS - 1)]
    threads = [
        threading.Thread(target=walk_in_a_browser_of_its_own, args=(base_url, queued, rule, out))
        for out in outs
    ]
    for thread in threads:
        thread.start()
    try:
        walk = walk_jobs(browser, base_url, queued, rule)
    finally:
        for thread in threads:
            thread.join()
    for [result] in outs:
        if isinstance(result, BaseException):
            raise result
        walk.add(result)
    return walk


def set_everyones_language(cast: Any, language: str) -> None:
    people = [cast.by_name(role) for role in ROLES if role != "anonymous"]
    User.objects.filter(pk__in=[person.pk for person in people]).update(language=language)


def write_report(walk: Walk, figures: str) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    header = "page\trole\tlang\twidth\tcheck\tdetail\tselector"
    lines = [f"# {line}" for line in figures.splitlines()]
    lines += [header, *(failure.line() for failure in walk.failures)]
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.slow
def test_every_page_for_every_role_fits_reads_and_is_accessible(
    transactional_db, live_server, browser: Browser, full_cast, capsys
) -> None:
    started = time.monotonic()
    base_url = live_server.url
    plan = plan_walk(full_cast)
    rule = UntranslatedRule(world_data_values())
    sessions = {
        role: role_cookies(full_cast, role, "en", base_url) for role in ROLES if role != "anonymous"
    }
    planned_at = time.monotonic()
    walk = Walk()
    seconds: dict[str, float] = {}
    for language in LANGUAGES:
        language_started = time.monotonic()
        set_everyones_language(full_cast, language)
        jobs = [
            Job(
                role=role,
                language=language,
                cookies=sessions.get(role) or role_cookies(full_cast, role, language, base_url),
                pages=[item for item in plan.pages if role in item.roles],
            )
            for role in ROLES
        ]
        walk.add(walk_language(browser, base_url, [job for job in jobs if job.pages], rule))
        seconds[language] = time.monotonic() - language_started
    total = time.monotonic() - started
    walk.failures.sort(key=Failure.sort_key)

    counts = summarize(walk.failures)
    left_out = ", ".join(f"{name} ({why})" for name, why in sorted(plan.left_out.items()))
    figures = "\n".join(
        [
            f"page walk: {len(plan.pages)} pages x their roles = {len(walk.pairs)} (page, role) "
            f"pairs x {len(LANGUAGES)} languages = {walk.loads} loads x {len(WIDTHS)} widths = "
            f"{walk.loads * len(WIDTHS)} layouts checked",
            f"failures: {len(walk.failures)} ("
            + ", ".join(f"{check} {count}" for check, count in counts.items())
            + ")",
            f"time: {total:.0f} s with {WORKERS} browsers (plan: the world's lazy parts, a "
            f"first GET of each page, the sessions {planned_at - started:.0f} s; "
            + ", ".join(f"{language} {value:.0f} s" for language, value in seconds.items())
            + "); browser time a load: "
            + ", ".join(
                f"{step} {value / max(walk.loads, 1):.3f} s"
                for step, value in walk.seconds.most_common()
            ),
            f"left out: {left_out}",
            f"report: {REPORT}",
        ]
    )
    write_report(walk, figures)
    with capsys.disabled():
        print("\n" + figures)
    assert walk.failures == [], f"{len(walk.failures)} failures, listed in {REPORT}"


# --- The checks themselves ----------------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: sans-serif; font-size: 16px; margin: 8px; }}
  .card {{ border: 1px solid #666; padding: 8px; margin: 8px 0; max-width: 320px; }}
  .badge {{ border: 1px solid #666; padding: 0 4px; }}
</style></head>
<body>
<nav aria-label="{nav}"><a href="#top">{home}</a> <a href="#plan">{plan}</a></nav>
<main>
<h1>{heading}</h1>
<div class="card">
  <label for="name">{label}</label>
  <input id="name" placeholder="{placeholder}">
  <button type="button" title="{save}">{save}</button>
  <span class="badge">2026-11-02</span>
</div>
<table>
  <thead><tr><th>{owner}</th><th>Paula PM</th><th>{export}</th></tr></thead>
  <tbody><tr><td>A One</td><td>a-one</td><td>3</td></tr></tbody>
</table>
{defect}
</main>
</body></html>"""

ENGLISH = {
    "lang": "en",
    "title": "A One · Rapport",
    "nav": "Main",
    "home": "My projects",
    "plan": "Plan",
    "heading": "Overview",
    "label": "Project name",
    "placeholder": "e.g. pm@provider.test",
    "save": "Save",
    "owner": "Owner",
    "export": "Export CSV",
}
CHINESE_PAGE = {
    "lang": CHINESE,
    "title": "A One · Rapport",
    "nav": "主导航",
    "home": "我的项目",
    "plan": "计划",
    "heading": "概览",
    "label": "项目名称",
    "placeholder": "例如 pm@provider.test",
    "save": "保存",
    "owner": "负责人",
    "export": "导出 CSV",
}
# The data of the pages above: a person, a project's name and code.
DATA = ["Paula PM", "A One", "a-one"]

ALL_WIDTHS = frozenset(WIDTHS)
ONCE = frozenset({None})  # a check made once per load


@dataclass(frozen=True)
class Defect:
    words: dict[str, str]  # the page's language and texts
    html: str
    check: str  # the check that must report it, and no other
    widths: frozenset[int | None] = ALL_WIDTHS  # where it is reported
    selector: str = "#defect"
    chinese_pass: bool = False  # inspected as a page of the Chinese pass


DEFECTS = {
    "overflow": Defect(
        ENGLISH,
        '<div id="defect" style="width: 2000px; height: 10px; background: #eee"></div>',
        "overflow",
    ),
    # A visually hidden text at the far end of a table that scrolls in its own box escapes the
    # box (its containing block is further up) and widens the page where the table is wider.
    "overflow-of-hidden-text": Defect(
        ENGLISH,
        '<div tabindex="0" style="overflow-x: auto; width: 300px"><table style="width: 600px"><tr>'
        '<td>A One</td><td style="text-align: right">3<span id="defect" style="position: '
        "absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0, 0, 0, 0); "
        'white-space: nowrap">hours</span></td></tr></table></div>',
        "overflow",
        frozenset({375}),
    ),
    "word-break": Defect(
        ENGLISH,
        '<button id="defect" type="button" style="width: 70px; overflow-wrap: anywhere">'
        "Acknowledgement</button>",
        "word-break",
    ),
    "chinese-word-break": Defect(
        CHINESE_PAGE,
        '<button id="defect" type="button" style="font-size: 16px; width: 56px; padding: 0; '
        'border: 0">截止日期</button>',
        "word-break",
    ),
    "overlap": Defect(
        ENGLISH,
        '<div style="position: relative; height: 48px">'
        '<button id="defect" type="button">Approve</button>'
        '<button id="defect-twin" type="button" style="position: absolute; left: 20px; top: 0">'
        "Reject</button></div>",
        "overlap",
    ),
    "spill": Defect(
        ENGLISH,
        '<div class="card" style="width: 150px"><div style="display: flex; width: 120px">'
        '<button id="defect" type="button" style="flex: none; width: 260px">Send</button>'
        "</div></div>",
        "overlap",
    ),
    "console": Defect(
        ENGLISH, '<script>console.error("the self-test error")</script>', "console", ONCE
    ),
    "untranslated": Defect(
        CHINESE_PAGE,
        '<label id="defect" for="due">Due date</label> <input id="due" type="text">',
        "untranslated",
        ONCE,
    ),
    "page-not-in-chinese": Defect(
        ENGLISH, "", "untranslated", ONCE, selector="html", chinese_pass=True
    ),
    "image-alt": Defect(
        ENGLISH,
        '<img id="defect" width="20" height="20" '
        'src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">',
        "axe",
        frozenset({WIDTHS[0]}),
    ),
    "button-name": Defect(
        ENGLISH,
        '<button id="defect" type="button" style="width: 40px; height: 30px"></button>',
        "axe",
        frozenset({WIDTHS[0]}),
    ),
}


@pytest.fixture
def self_test_page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    errors: list[str] = []
    page = open_watched_page(browser, "http://127.0.0.1", errors)
    try:
        yield page, errors
    finally:
        page.context.close()


def inspect_content(
    page: Page, errors: list[str], words: dict[str, str], defect: str, chinese_pass: bool = False
) -> Any:
    errors.clear()
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    page.set_content(PAGE.format(**words, defect=defect))
    rule = UntranslatedRule(DATA) if chinese_pass or words["lang"] == CHINESE else None
    return inspect_loaded_page(page, errors=errors, rule=rule)


@pytest.mark.parametrize("words", [ENGLISH, CHINESE_PAGE], ids=["en", "zh-hans"])
def test_a_clean_page_passes_every_check(self_test_page, words) -> None:
    page, errors = self_test_page
    assert inspect_content(page, errors, words, "") == []


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_each_check_reports_exactly_its_defect(self_test_page, name) -> None:
    page, errors = self_test_page
    defect = DEFECTS[name]
    findings = inspect_content(page, errors, defect.words, defect.html, defect.chinese_pass)
    assert findings, f"{defect.check} missed the defect"
    assert {finding.check for finding in findings} == {defect.check}, findings
    if defect.check == "console":
        assert "the self-test error" in findings[0].detail
    else:
        assert {finding.selector for finding in findings} == {defect.selector}, findings
    # Once at each width where the page has the defect.
    assert sorted(finding.width or 0 for finding in findings) == sorted(
        width or 0 for width in defect.widths
    ), findings
