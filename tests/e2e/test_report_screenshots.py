"""Screenshots of one status report as the client receives it (the portal page at a desktop's and
a phone's width, the e-mail, the PDF's first pages), in English and Chinese.

In the suite they go to var/test-results/screenshots/ and the test checks they were drawn;
`make screenshots` writes them to docs/screenshots/ (RAPPORT_SCREENSHOTS_DIR).
"""

from __future__ import annotations

import io
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image, ImageDraw

from accounts.branding import branding_update
from feedback.services.tickets import ticket_raise
from projects.models import Milestone, Visibility
from projects.services.milestones import milestone_create
from reports.delivery import report_deliver
from reports.models import ReportRendition, ReportSchedule
from reports.services.reports import report_send_now
from risks.services.register import risk_create
from tests.e2e.conftest import log_in
from tests.reports.conftest import make_schedule

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 3, 25, 9, tzinfo=UTC)
OUT = Path(
    os.environ.get("RAPPORT_SCREENSHOTS_DIR")
    or Path(settings.BASE_DIR) / "var" / "test-results" / "screenshots"
)

TEXTS = {
    "en": {
        "project": "Clinic network rollout",
        "milestones": [
            "Design signed off",
            "Pilot clinics live",
            "Regional rollout",
            "Go-live and handover",
        ],
        "risks": [
            "Supplier delay on the gateway certification",
            "Clinic staff availability for training",
        ],
        "complaint": "Weekly figures arrived after the steering meeting",
        "summary": "The pilot clinics went live two weeks late after the gateway certification;"
        " the regional rollout keeps its date. **Decision needed:** the training schedule.",
    },
    "zh-hans": {
        "project": "诊所网络上线",
        "milestones": ["设计签署", "试点诊所上线", "区域推广", "上线与移交"],
        "risks": ["网关认证供应商延误", "诊所员工培训时间不足"],
        "complaint": "周报在指导委员会会议之后才送达",
        "summary": "试点诊所因网关认证晚两周上线；区域推广保持原定日期。**需要决策：**培训计划。",
    },
}


def _logo() -> bytes:
    image = Image.new("RGBA", (360, 96), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 8, 80, 88), radius=18, fill="#1f4e79")
    draw.ellipse((22, 30, 58, 66), fill="#ffffff")
    draw.rectangle((100, 30, 340, 46), fill="#1f4e79")
    draw.rectangle((100, 56, 280, 68), fill="#2b7bb9")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _report(pm, rep, staff_admin, project, language):
    texts = TEXTS[language]
    branding_update(
        actor=staff_admin, primary_colour="#1f4e79", accent_colour="#2b7bb9", logo=_logo()
    )
    rep.language = language
    rep.save()
    project.name = texts["project"]
    project.baseline_start_date = project.start_date = date(2026, 1, 5)
    project.baseline_end_date = date(2026, 7, 31)
    project.end_date = date(2026, 8, 14)
    project.save()
    days = (date(2026, 2, 6), date(2026, 3, 13), date(2026, 5, 29), date(2026, 7, 31))
    for n, (name, day) in enumerate(zip(texts["milestones"], days, strict=True)):
        milestone = milestone_create(actor=pm, project=project, name=name, due_date=day)
        if n == 0:
            Milestone.objects.filter(pk=milestone.pk).update(
                status=Milestone.Status.COMPLETED, completed_at=datetime(2026, 2, 5, tzinfo=UTC)
            )
        if n == 1:
            Milestone.objects.filter(pk=milestone.pk).update(due_date=date(2026, 3, 27))
        if n == 3:
            Milestone.objects.filter(pk=milestone.pk).update(due_date=date(2026, 8, 14))
    for title, (probability, impact) in zip(texts["risks"], ((4, 4), (3, 2)), strict=True):
        risk_create(
            actor=pm,
            project=project,
            title=title,
            probability=probability,
            impact=impact,
            visibility=Visibility.CLIENT,
        )
    ticket_raise(
        actor=rep,
        project=project,
        kind="complaint",
        title=texts["complaint"],
        severity="high",
        now=datetime(2026, 3, 20, 9, tzinfo=UTC),
    )
    schedule = make_schedule(pm, project)
    ReportSchedule.objects.filter(pk=schedule.pk).update(summary=texts["summary"])
    report = report_send_now(actor=pm, project=project, now=NOW)
    report_deliver(report_id=report.pk)
    return report


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_screenshots_of_the_report(page, pm, rep, staff_admin, project, language):
    import pypdfium2

    report = _report(pm, rep, staff_admin, project, language)
    rendition = ReportRendition.objects.get(report=report, language=language)
    OUT.mkdir(parents=True, exist_ok=True)
    tag = "en" if language == "en" else "zh"
    written = []

    log_in(page, rep)
    url = f"/portal/projects/{project.pk}/reports/{report.pk}/"
    for name, width in (("web", 1366), ("web-phone", 375)):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        target = OUT / f"report-{name}-{tag}.png"
        page.locator('[data-testid="report-body"]').screenshot(path=str(target))
        written.append(target)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, (name, scroll)

    page.set_viewport_size({"width": 420, "height": 900})
    page.set_content(rendition.body_html)
    target = OUT / f"report-email-{tag}.png"
    page.screenshot(path=str(target), full_page=True)
    written.append(target)

    pdf = pypdfium2.PdfDocument(bytes(rendition.pdf))
    for index in range(min(len(pdf), 2)):
        target = OUT / f"report-pdf-{tag}-page{index + 1}.png"
        pdf[index].render(scale=1.5).to_pil().save(target)
        written.append(target)
    pdf.close()

    for target in written:
        with Image.open(target) as image:
            width, height = image.size
            assert min(width, height) >= 300, (target, image.size)
            # Drawn, not blank: more than a handful of colours.
            assert len(image.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 16, target
