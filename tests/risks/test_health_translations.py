"""The risk register's health reasons are sentences in the reader's language: on the pages, in the
status-report e-mail and in its PDF, a Chinese reader reads them in Chinese, with plural forms."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from projects.health import project_health
from projects.models import Visibility
from reports.delivery import report_deliver
from reports.services.reports import report_send_now
from risks.health import critical_reason, overdue_reason
from risks.services.register import risk_create
from tests.reports.conftest import make_schedule

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("count", "english", "chinese"),
    [
        (1, "1 open critical risk.", "1 个未关闭的极高风险。"),
        (3, "3 open critical risks.", "3 个未关闭的极高风险。"),
    ],
)
def test_critical_risks_reason_in_both_languages(count, english, chinese):
    with translation.override("en"):
        assert critical_reason(count) == english
    with translation.override("zh-hans"):
        assert critical_reason(count) == chinese


@pytest.mark.parametrize(
    ("count", "english", "chinese"),
    [
        (1, "1 risk review is overdue beyond the tolerance.", "1 项风险复核逾期已超过宽限期。"),
        (2, "2 risk reviews are overdue beyond the tolerance.", "2 项风险复核逾期已超过宽限期。"),
    ],
)
def test_overdue_reviews_reason_in_both_languages(count, english, chinese):
    with translation.override("en"):
        assert overdue_reason(count) == english
    with translation.override("zh-hans"):
        assert overdue_reason(count) == chinese


def _risks(pm, project):
    for visibility in (Visibility.CLIENT, Visibility.INTERNAL):
        risk_create(
            actor=pm,
            project=project,
            title=f"Critical {visibility}",
            probability=5,
            impact=5,
            visibility=visibility,
        )
    risk_create(
        actor=pm,
        project=project,
        title="Late review",
        next_review_date=TODAY - timedelta(days=30),
        visibility=Visibility.CLIENT,
    )


def test_health_reasons_follow_the_active_language(pm, project):
    """Computed once, the reasons read in the language active when they are read."""
    _risks(pm, project)
    health = project_health(project, today=TODAY)

    with translation.override("zh-hans"):
        assert [str(finding.reason) for finding in health.reasons] == [
            "2 个未关闭的极高风险。",
            "1 项风险复核逾期已超过宽限期。",
        ]
        assert [str(finding.reason) for finding in health.client_reasons] == [
            "1 个未关闭的极高风险。",
            "1 项风险复核逾期已超过宽限期。",
        ]
    with translation.override("en"):
        assert [str(finding.reason) for finding in health.client_reasons] == [
            "1 open critical risk.",
            "1 risk review is overdue beyond the tolerance.",
        ]
        assert health.reason_text == (
            "2 open critical risks.; 1 risk review is overdue beyond the tolerance."
        )


def test_chinese_pages_show_the_risk_reasons_in_chinese(client, pm, rep, project):
    _risks(pm, project)
    for person in (pm, rep):
        person.language = "zh-hans"
        person.save()

    client.force_login(rep)
    portal = client.get(reverse("portal:project", kwargs={"project_id": project.pk}))
    client.force_login(pm)
    overview = client.get(reverse("projects:detail", kwargs={"project_id": project.pk}))

    assert portal.status_code == overview.status_code == 200
    assert "1 个未关闭的极高风险。" in portal.content.decode()
    assert "2 个未关闭的极高风险。" in overview.content.decode()
    for page in (portal, overview):
        assert "open critical risk" not in page.content.decode()


def test_chinese_status_report_email_and_pdf_show_the_risk_reason_in_chinese(pm, rep, project):
    risk_create(
        actor=pm,
        project=project,
        title="Supplier insolvency",
        probability=5,
        impact=5,
        visibility=Visibility.CLIENT,
    )
    rep.language = "zh-hans"
    rep.save()
    make_schedule(pm, project, extras=[("sponsor@a.test", "Sam", "en")])

    report_deliver(report_id=report_send_now(actor=pm, project=project).pk)

    by_to = {message.to[0]: message for message in mail.outbox}
    chinese, english = by_to[rep.email], by_to["sponsor@a.test"]
    [(_name, pdf, _type)] = chinese.attachments
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for text in (chinese.body, chinese.alternatives[0][0], pdf_text):
        assert "1 个未关闭的极高风险。" in text
        assert "open critical risk" not in text
    assert "1 open critical risk." in english.body
