"""Signing in, landing on one's own start page, in English and in Chinese; the language
switcher; signing out; a wrong password; no console errors or CSP violations on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.e2e.conftest import csp_violations, log_in, path_of

pytestmark = pytest.mark.e2e

HEADINGS = {
    "en": {
        "pm": "My projects",
        "am": "Client satisfaction",
        "am_clients": "My clients",
        "rep": "What needs my decision",
    },
    "zh-hans": {"pm": "我的项目", "am": "客户满意度", "am_clients": "我的客户", "rep": "待我决策"},
}


def _speak(user: User, language: str) -> None:
    user.language = language
    user.save()


def _assert_clean(page: Page, console_errors: list[str]) -> None:
    assert console_errors == []
    assert csp_violations(page) == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pm_signs_in_to_my_projects(page: Page, console_errors, pm, project, language):
    _speak(pm, language)

    log_in(page, pm)

    assert path_of(page) == "/projects/"
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_test_id("page-title")).to_have_text(HEADINGS[language]["pm"])
    expect(page.get_by_test_id("staff-nav")).to_be_visible()
    expect(page.get_by_test_id("project-table")).to_contain_text(project.name)
    _assert_clean(page, console_errors)

    # The portal is not the PM's side: it sends them back to their own start page.
    page.goto("/portal/")
    assert path_of(page) == "/projects/"
    expect(page.get_by_test_id("page-title")).to_have_text(HEADINGS[language]["pm"])
    _assert_clean(page, console_errors)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_am_signs_in_to_the_satisfaction_dashboard(
    page: Page, console_errors, am, client_a, language
):
    _speak(am, language)

    log_in(page, am)

    assert path_of(page) == "/satisfaction/"
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_test_id("page-title")).to_have_text(HEADINGS[language]["am"])
    page.goto("/clients/")
    expect(page.get_by_test_id("page-title")).to_have_text(HEADINGS[language]["am_clients"])
    cards = page.get_by_test_id("client-cards")
    expect(cards.get_by_role("heading", name=client_a.name)).to_be_visible()
    expect(cards.locator(f"a[href='/clients/{client_a.pk}/']")).to_be_visible()

    page.goto("/portal/")
    assert path_of(page) == "/satisfaction/"
    _assert_clean(page, console_errors)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_rep_signs_in_to_the_portal(
    page: Page, console_errors, rep, project, other_project, language
):
    _speak(rep, language)

    log_in(page, rep)

    assert path_of(page) == "/portal/"
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_test_id("page-title")).to_have_text(HEADINGS[language]["rep"])
    expect(page.get_by_test_id("portal-header")).to_be_visible()
    expect(page.get_by_test_id("portal-organization")).to_have_text(rep.organization.name)
    table = page.get_by_test_id("project-table")
    expect(table.get_by_role("link", name=project.name)).to_be_visible()
    expect(table).not_to_contain_text(other_project.name)
    expect(page.get_by_test_id("staff-nav")).to_have_count(0)
    _assert_clean(page, console_errors)

    # The staff side sends a client person back to the portal.
    for staff_path in ("/projects/", "/clients/", f"/projects/{project.pk}/"):
        page.goto(staff_path)
        assert path_of(page) == "/portal/", staff_path
        expect(page.get_by_test_id("page-title")).to_have_text(HEADINGS[language]["rep"])
    _assert_clean(page, console_errors)


def test_styles_and_scripts_load(page: Page, console_errors, pm):
    log_in(page, pm)

    for asset in (
        "/static/vendor/bootstrap/bootstrap.min.css",
        "/static/vendor/bootstrap-icons/bootstrap-icons.min.css",
        "/static/css/rapport.css",
        "/static/vendor/bootstrap/bootstrap.bundle.min.js",
        "/static/vendor/htmx/htmx.min.js",
        "/static/js/rapport.js",
    ):
        response = page.request.get(asset)
        assert response.status == 200, asset
    # Bootstrap is applied: the dark navbar is dark, and its scripts run (the menu drops down).
    navbar_background = page.get_by_test_id("staff-nav").evaluate(
        "element => getComputedStyle(element).backgroundColor"
    )
    assert navbar_background == "rgb(33, 37, 41)"
    assert page.evaluate("typeof window.bootstrap === 'object' && typeof window.htmx")
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_test_id("logout")).to_be_visible()
    _assert_clean(page, console_errors)


def test_language_switcher_reloads_in_chinese_and_remembers(page: Page, console_errors, pm):
    log_in(page, pm)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switcher = page.get_by_test_id("language-switcher")
    expect(switcher.locator("option[value='zh-hans']")).to_have_text("简体中文")

    with page.expect_navigation():
        switcher.select_option("zh-hans")

    assert path_of(page) == "/projects/"
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("page-title")).to_have_text("我的项目")
    expect(page.get_by_test_id("language-switcher")).to_have_value("zh-hans")
    pm.refresh_from_db()
    assert pm.language == "zh-hans"
    _assert_clean(page, console_errors)


def test_logout_from_the_user_menu(page: Page, console_errors, pm):
    log_in(page, pm)

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()

    page.wait_for_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("input[name=login]")).to_be_visible()
    # The session is gone: the staff app asks to sign in again.
    page.goto("/projects/")
    assert path_of(page) == "/accounts/login/"
    _assert_clean(page, console_errors)


def test_wrong_password_stays_on_the_login_page(page: Page, console_errors, pm):
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(pm.email)
    page.locator("input[name=password]").fill("not-the-password")
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()

    expect(
        page.get_by_text("The email address and/or password you specified are not correct.")
    ).to_be_visible()
    assert path_of(page) == "/accounts/login/"
    expect(page.locator("input[name=code]")).to_have_count(0)
    expect(page.locator("input[name=login]")).to_have_value(pm.email)
    page.goto("/projects/")
    assert path_of(page) == "/accounts/login/"
    _assert_clean(page, console_errors)
