"""Each step of a ticket and each form of the account page posts to its own URL; the pages
themselves take no POST."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import Opportunity, TicketSeverity, TicketStatus
from feedback.services.tickets import ticket_resolve
from tests.feedback.tickets.helpers import a_complaint
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 16)


def test_the_staff_ticket_page_takes_each_step_at_its_own_url(cast):
    ticket = a_complaint(cast.rep, cast.project)
    client = logged_in(cast.am)
    args = (cast.project.pk, ticket.pk)
    page = reverse("feedback:ticket", args=args)
    assert client.post(page, {"action": "start"}).status_code == 405

    response = client.post(reverse("feedback:ticket_start", args=args))
    assert response["Location"] == page
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS

    url = reverse("feedback:ticket_update", args=args)
    assert client.post(url, {"owner": "", "severity": "x"}).status_code == 400
    response = client.post(url, {"owner": cast.pm.pk, "severity": TicketSeverity.HIGH})
    assert response["Location"] == page
    ticket.refresh_from_db()
    assert (ticket.owner_id, ticket.severity) == (cast.pm.pk, TicketSeverity.HIGH)

    url = reverse("feedback:ticket_attach", args=args)
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"file": _photo()})["Location"] == page
    assert ticket.attachments.count() == 1


def test_the_portal_ticket_page_takes_each_step_at_its_own_url(cast):
    ticket = ticket_resolve(
        actor=cast.am, ticket=a_complaint(cast.rep, cast.project), resolution="Done."
    )
    client = logged_in(cast.rep)
    args = (cast.project.pk, ticket.pk)
    page = reverse("feedback:portal_ticket", args=args)
    assert client.post(page, {"action": "reopen"}).status_code == 405

    url = reverse("feedback:portal_ticket_reopen", args=args)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert 'data-testid="reopen-form"' in response.content.decode()
    assert client.post(url, {"reason": "Still prints twice."})["Location"] == page
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REOPENED

    url = reverse("feedback:portal_ticket_confirm", args=args)
    response = client.post(url)
    assert response.status_code == 400  # nothing to confirm while it is reopened
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REOPENED

    url = reverse("feedback:portal_ticket_attach", args=args)
    assert client.post(url, {"file": _photo()})["Location"] == page


def test_the_account_page_takes_each_form_at_its_own_url(cast):
    client = logged_in(cast.am)
    organization = cast.project.client_id
    page = reverse("feedback:account", args=[organization])
    assert client.post(page, {"action": "opportunity"}).status_code == 405

    url = reverse("feedback:opportunity_create", args=[organization])
    assert client.post(url, {"title": ""}).status_code == 400
    response = client.post(
        url, {"title": "Second warehouse", "currency": "EUR", "stage": Opportunity.Stage.LEAD}
    )
    assert response["Location"] == page
    assert Opportunity.objects.filter(title="Second warehouse").exists()
    assert logged_in(cast.pm).post(url, {"title": "x"}).status_code == 404
