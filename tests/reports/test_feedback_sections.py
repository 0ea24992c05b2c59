"""The feedback app's sections of a status report: the client-visible open complaints and the
latest satisfaction figures, frozen in the snapshot and shown in the web view, the e-mail and
the PDF; an internal ticket never appears."""

from __future__ import annotations

import pytest
from django.core import mail

from feedback.services.tickets import ticket_raise
from projects.models import Visibility
from reports.delivery import report_deliver
from reports.models import ReportRendition
from reports.services.reports import report_send_now
from tests.reports.conftest import make_schedule

pytestmark = pytest.mark.django_db


def test_open_complaints_and_satisfaction_join_the_report(pm, am, project, rep, client_a):
    make_schedule(pm, project)
    ticket_raise(
        actor=rep, project=project, kind="complaint", title="Reports arrive late", severity="high"
    )
    ticket_raise(
        actor=pm,
        project=project,
        kind="complaint",
        title="Our own QA gap",
        visibility=Visibility.INTERNAL,
    )
    ticket_raise(actor=rep, project=project, kind="praise", title="Great training")
    report = report_send_now(actor=pm, project=project)
    report_deliver(report_id=report.pk)

    sections = report.snapshot["sections"]
    assert sections["complaints"]["open"] == 1
    assert [c["title"] for c in sections["complaints"]["items"]] == ["Reports arrive late"]
    rendition = ReportRendition.objects.get(report=report, language="en")
    [message] = mail.outbox
    html_alternative = message.alternatives[0][0]
    texts = (rendition.body_html, html_alternative, message.body, _pdf_text(bytes(rendition.pdf)))
    for text in texts:
        assert "Reports arrive late" in text
        assert "Our own QA gap" not in text
        assert "Great training" not in text
    assert "High" in rendition.body_html
    # No survey answered: no satisfaction section.
    assert "satisfaction" not in sections


def _pdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_latest_satisfaction_figures_join_the_report(pm, am, project, rep, client_a):
    from feedback.services.survey_templates import survey_template_default
    from tests.feedback.surveys.helpers import add_contacts, answer, send_campaign

    make_schedule(pm, project)
    add_contacts(project, 3)
    campaign = send_campaign(am, project, survey_template_default())
    invitations = list(campaign.invitations.order_by("pk"))
    # NPS: promoter, passive, detractor, detractor -> (1 - 2) / 4 = -25.0; CSAT 4,5,2,1 -> 50.0
    for invitation, (nps, csat) in zip(invitations, [(10, 4), (8, 5), (3, 2), (0, 1)], strict=True):
        answer(invitation, nps=nps, csat=csat)
    report = report_send_now(actor=pm, project=project)
    figures = report.snapshot["sections"]["satisfaction"]
    assert (figures["nps"], figures["csat"], figures["responses"]) == (-25.0, 50.0, 4)
    report_deliver(report_id=report.pk)
    rendition = ReportRendition.objects.get(report=report, language="en")
    assert "-25.0" in rendition.body_html
    # The plain-text alternative carries the section too.
    assert "Net Promoter Score: -25.0" in rendition.body_text
    assert "Responses: 4" in rendition.body_text
