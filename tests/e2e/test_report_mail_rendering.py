"""The status-report e-mail as mail clients show it: rendered in Chromium at a phone's and a
desktop's width, after what clients strip (the <head>, class attributes: only inline style is
left), it never scrolls sideways, every table fits, body text stays readable and the brand's
colours are still there."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from accounts.branding import branding_update
from feedback.services.tickets import ticket_raise
from projects.models import Visibility
from projects.services.milestones import milestone_create
from reports.delivery import report_deliver
from reports.models import ReportRendition
from reports.services.reports import report_send_now
from risks.services.register import risk_create
from tests.reports.conftest import make_schedule

pytestmark = pytest.mark.e2e

MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('table, img, svg, p, li, td')]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
    .map((el) => el.tagName + ' ' + (el.textContent || '').trim().slice(0, 40));
  const small = [...document.querySelectorAll('p, li, td')]
    .filter((el) => el.textContent.trim() && parseFloat(getComputedStyle(el).fontSize) < 12)
    .map((el) => (el.textContent || '').trim().slice(0, 40));
  const badge = document.querySelector('[data-testid="report-health"] span');
  return {
    scroll: document.documentElement.scrollWidth, width, wide, small,
    badge: badge ? getComputedStyle(badge).backgroundColor : null,
  };
}"""


def _as_a_mail_client_shows_it(html: str) -> str:
    """What a strict client keeps: the body, its inline styles; no <head>, no classes."""
    body = re.search(r"<body[^>]*>(.*)</body>", html, re.S)
    assert body is not None
    return re.sub(r'\sclass="[^"]*"', "", body.group(1))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_email_reads_on_a_phone_and_a_desktop(browser, pm, rep, staff_admin, project, language):
    rep.language = language
    rep.save()
    branding_update(actor=staff_admin, primary_colour="#5a2d82", accent_colour="#c0392b")
    project.baseline_start_date = project.start_date = date(2026, 1, 5)
    project.baseline_end_date = project.end_date = date(2026, 9, 30)
    project.save()
    for n, day in enumerate((date(2026, 2, 6), date(2026, 4, 10), date(2026, 6, 26))):
        milestone_create(
            actor=pm,
            project=project,
            name=f"Milestone {n}: integration of the regional clinic network with the billing",
            due_date=day,
        )
    risk_create(
        actor=pm,
        project=project,
        title="Supplier delays on the interoperability certification of the clinic gateway",
        visibility=Visibility.CLIENT,
    )
    ticket_raise(
        actor=rep,
        project=project,
        kind="complaint",
        title="Weekly figures arrive after the steering meeting, twice this month",
        description="Late.",
        severity="high",
        now=datetime(2026, 3, 20, 9, tzinfo=UTC),
    )
    make_schedule(pm, project)
    report = report_send_now(actor=pm, project=project, now=datetime(2026, 3, 25, 9, tzinfo=UTC))
    report_deliver(report_id=report.pk)
    html = ReportRendition.objects.get(report=report, language=language).body_html
    shown = _as_a_mail_client_shows_it(html)
    assert "Milestone 0" in shown

    context = browser.new_context()
    try:
        page = context.new_page()
        for width in (360, 375, 768, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.set_content(f"<!doctype html><html><body>{shown}</body></html>")
            seen = page.evaluate(MEASURE)
            assert seen["scroll"] <= seen["width"], (width, seen)
            assert seen["wide"] == [], (width, seen["wide"])
            assert seen["small"] == [], (width, seen["small"])
            # The health badge keeps its colour with the classes gone.
            assert seen["badge"] in {"rgb(26, 127, 55)", "rgb(242, 199, 68)", "rgb(207, 34, 46)"}
    finally:
        context.close()
