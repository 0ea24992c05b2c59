"""The status report as a designed document: one template family for the page, the e-mail and
the PDF, the provider's branding, health as a coloured badge, progress bars, the milestone
timeline (inline SVG), tables whose header never stands alone at the foot of a page, the period
and page numbers on every page, and an e-mail whose style survives clients that strip <style>."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from accounts.branding import branding_update
from projects.models import Milestone, Visibility
from projects.services.milestones import milestone_create
from reports.delivery import report_deliver
from reports.models import Report, ReportRendition
from reports.rendering import render_report
from reports.services.reports import report_send_now
from risks.services.register import risk_create
from tests.reports.conftest import make_schedule

NOW = datetime(2026, 3, 25, 9, tzinfo=UTC)


def _png(colour: str = "#1f4e79", size: tuple[int, int] = (900, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def planned(pm, project):
    """A project with a baseline, milestones done, on time and late, and an internal one."""
    project.baseline_start_date = project.start_date = date(2026, 1, 5)
    project.baseline_end_date = date(2026, 6, 26)
    project.end_date = date(2026, 7, 10)
    project.save()
    done = milestone_create(
        actor=pm, project=project, name="Design signed off", due_date=date(2026, 2, 6)
    )
    Milestone.objects.filter(pk=done.pk).update(
        status=Milestone.Status.COMPLETED, completed_at=datetime(2026, 2, 5, 12, tzinfo=UTC)
    )
    late = milestone_create(
        actor=pm, project=project, name="Pilot clinics live", due_date=date(2026, 4, 10)
    )
    Milestone.objects.filter(pk=late.pk).update(due_date=date(2026, 4, 24))
    milestone_create(actor=pm, project=project, name="Go-live", due_date=date(2026, 6, 26))
    milestone_create(
        actor=pm,
        project=project,
        name="Internal code freeze",
        due_date=date(2026, 5, 1),
        visibility=Visibility.INTERNAL,
    )
    return project


def _report(pm, project, rep) -> Report:
    make_schedule(pm, project)
    report = report_send_now(actor=pm, project=project, now=NOW)
    report_deliver(report_id=report.pk)
    return report


def test_the_portal_page_shows_health_progress_and_the_timeline_of_client_items(
    client, pm, rep, planned
):
    report = _report(pm, planned, rep)
    client.force_login(rep)
    page = client.get(reverse("reports:portal_report", args=[planned.pk, report.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'class="rp-badge rp-health-(green|amber|red)"', html)
    timeline = re.search(r'<svg class="rp-timeline".*?</svg>', html, re.S)
    assert timeline is not None
    svg = timeline.group(0)
    for name in ("Design signed off", "Pilot clinics live", "Go-live"):
        assert name in svg
    assert "Internal code freeze" not in html
    # The late milestone is drawn in red, with its baseline as a hollow diamond.
    assert svg.count('fill="#cf222e"') == 1
    assert svg.count('fill="#ffffff" stroke="#8c959f"') == 1
    # No deliverable accepted (no bar); 46 % of the baseline's time elapsed (79 of 172 days).
    progress = re.search(r'data-testid="report-progress".*?</div>', html, re.S).group(0)
    assert "Time elapsed in the baseline plan" in progress
    assert "width: 46%" in progress
    # Tables have a head of their own (so that a PDF repeats it and never leaves it alone).
    assert "<thead>" in html


def test_the_email_carries_its_style_inline_and_the_logo_by_url(
    pm, rep, staff_admin, planned, settings
):
    settings.SITE_URL = "https://rapport.example"
    branding_update(
        actor=staff_admin, primary_colour="#5a2d82", accent_colour="#c0392b", logo=_png()
    )
    report = _report(pm, planned, rep)
    rendition = ReportRendition.objects.get(report=report, language="en")
    html = rendition.body_html
    assert "<style" not in html
    assert 'class="rp-table"' in html
    for table in re.findall(r"<table[^>]*rp-table[^>]*>", html):
        assert "border-collapse: collapse" in table
    logo = re.search(r'<img src="(https://rapport\.example/branding/logo/[0-9a-f]{16}\.png)"', html)
    assert logo is not None
    assert "border-bottom-color: #5a2d82" in html
    assert "#c0392b" in html  # the accent colour on the progress bars and the timeline


def test_the_pdf_has_the_logo_the_period_and_page_numbers_on_every_page(
    pm, rep, staff_admin, planned
):
    branding_update(
        actor=staff_admin, primary_colour="#1f4e79", accent_colour="#2b7bb9", logo=_png()
    )
    report = _report(pm, planned, rep)
    summary = "\n\n".join(
        f"Paragraph {n}: " + "the pilot clinics report progress. " * 12 for n in range(30)
    )
    rendered = render_report(
        dict(report.snapshot, summary=summary), "en", portal_url="https://x.test/"
    )
    pdf = PdfReader(io.BytesIO(rendered.pdf))
    assert len(pdf.pages) >= 3
    images = [image for page in pdf.pages[:1] for image in page.images]
    assert images, "the logo is embedded on the first page"
    total = len(pdf.pages)
    for number, page in enumerate(pdf.pages, start=1):
        text = page.extract_text()
        assert f"{number} / {total}" in text
        assert "Period: Mar 23, 2026 – Mar 30, 2026" in " ".join(text.split())
        assert planned.name in text


def _last_body_line(page, running: tuple[str, ...] = ()) -> str:
    """The last line of a page's body: the text of the page's margins (the running project
    name, the period with "n / N"), which comes last in the text, left out."""
    lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
    while lines and (lines[-1] in running or re.search(r"\d+ / \d+$", lines[-1])):
        lines.pop()
    return lines[-1] if lines else ""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_table_header_never_ends_a_page(pm, rep, planned, language):
    """Summaries of growing length move the tables down the pages: whatever the length, no page
    ends with a table's header row (it goes with its first row to the next page)."""
    for n in range(3):
        risk_create(
            actor=pm,
            project=planned,
            title=f"Clinic network outage {n}",
            visibility=Visibility.CLIENT,
        )
    make_schedule(pm, planned)
    report = report_send_now(actor=pm, project=planned, now=NOW)
    headers = {"en": "Risk", "zh-hans": "风险"}
    seen_tables_at_foot = 0
    for lines in range(20, 60, 2):
        snapshot = dict(report.snapshot, summary="\n\n".join(f"Line {n}." for n in range(lines)))
        rendered = render_report(snapshot, language, portal_url="https://x.test/")
        for page in PdfReader(io.BytesIO(rendered.pdf)).pages[:-1]:
            last = _last_body_line(page, running=(planned.name,))
            if last.startswith(headers[language]):
                seen_tables_at_foot += 1
            assert not re.match(rf"{headers[language]}\s", last), (lines, last)
    assert seen_tables_at_foot == 0


def test_the_foot_check_sees_a_lone_header():
    """The check above reads the last line of a page's body: with a plain table (no head of its
    own, no break rules), some length of text before it ends a page with the header row, and
    the check sees it (so it can fail)."""
    from weasyprint import HTML

    def ends_with_header(filler: int) -> bool:
        rows = "".join("<p>filler</p>" for _ in range(filler))
        html = (
            "<style>@page { size: A7; margin: 8mm } p, th, td { margin: 0; line-height: 14pt;"
            " padding: 0 }</style>"
            f"{rows}<table><tr><th>Risk Level</th></tr><tr><td>one</td></tr>"
            "<tr><td>two</td></tr></table>"
        )
        pages = PdfReader(io.BytesIO(HTML(string=html).write_pdf())).pages
        return any(_last_body_line(page).startswith("Risk") for page in pages[:-1])

    assert any(ends_with_header(filler) for filler in range(10, 24))
