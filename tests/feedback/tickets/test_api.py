"""The tickets API: the same permissions and rules as the pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from feedback.models import FeedbackTicket, TicketStatus
from tests.feedback.tickets.helpers import a_complaint, an_internal_complaint

pytestmark = pytest.mark.django_db


def url(cast, suffix=""):
    return f"/api/v1/projects/{cast.project.pk}/feedback-tickets/{suffix}"


def test_rep_raises_and_follows_a_complaint(cast, client):
    client.force_login(cast.rep)
    response = client.post(
        url(cast),
        {
            "kind": "complaint",
            "title": "Labels smudge",
            "severity": "high",
            "visibility": "internal",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["reference"] == "FB-1"
    assert body["visibility"] == "client"  # a client's ticket is always client-visible
    assert body["first_response_due_at"] is not None
    assert "first_response_breached_at" not in body  # the provider's view only


def test_bad_input_names_the_field_and_changes_nothing(cast, client):
    client.force_login(cast.rep)
    response = client.post(
        url(cast), {"kind": "complaint", "title": "x" * 201}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "title" in response.json()
    response = client.post(
        url(cast), {"kind": "rant", "title": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "kind" in response.json()
    assert not FeedbackTicket.objects.exists()


def test_clients_never_get_internal_tickets(cast, client):
    a_complaint(cast.rep, cast.project)
    internal = an_internal_complaint(cast.pm, cast.project)
    client.force_login(cast.rep)
    listed = client.get(url(cast)).json()
    titles = [row["title"] for row in listed["results"]]
    assert titles == ["The pick lists print twice"]
    assert client.get(url(cast, f"{internal.pk}/")).status_code == 404
    client.force_login(cast.pm)
    assert len(client.get(url(cast)).json()["results"]) == 2


def test_transitions_through_the_api(cast, client):
    ticket = a_complaint(cast.rep, cast.project)
    client.force_login(cast.rep)
    response = client.post(
        url(cast, f"{ticket.pk}/transition/"), {"step": "start"}, content_type="application/json"
    )
    assert response.status_code == 403
    client.force_login(cast.am)
    response = client.post(
        url(cast, f"{ticket.pk}/transition/"),
        {"step": "acknowledge", "message": ""},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "message" in response.json()
    response = client.post(
        url(cast, f"{ticket.pk}/transition/"),
        {"step": "resolve", "message": "Done"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "resolved"
    response = client.post(
        url(cast, f"{ticket.pk}/transition/"), {"step": "confirm"}, content_type="application/json"
    )
    assert response.status_code == 403
    client.force_login(cast.rep)
    response = client.post(
        url(cast, f"{ticket.pk}/transition/"), {"step": "confirm"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == TicketStatus.CONFIRMED
    response = client.post(
        url(cast, f"{ticket.pk}/transition/"),
        {"step": "reopen", "message": "No"},
        content_type="application/json",
    )
    assert response.status_code == 409


def test_attach_a_file_and_refuse_a_program(cast, client):
    ticket = a_complaint(cast.rep, cast.project)
    client.force_login(cast.rep)
    response = client.post(
        url(cast, f"{ticket.pk}/attachments/"),
        {"file": SimpleUploadedFile("notes.txt", b"printed twice\n")},
    )
    assert response.status_code == 201
    assert response.json()["download_url"].startswith("/portal/")
    response = client.post(
        url(cast, f"{ticket.pk}/attachments/"), {"file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00")}
    )
    assert response.status_code == 400
    assert "file" in response.json()
    assert ticket.attachments.count() == 1


def test_handlers_reassign_through_patch(cast, client):
    ticket = a_complaint(cast.rep, cast.project)
    client.force_login(cast.pm)
    response = client.patch(
        url(cast, f"{ticket.pk}/"), {"owner": cast.rep.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "owner" in response.json()
    response = client.patch(
        url(cast, f"{ticket.pk}/"),
        {"owner": cast.teammate.pk, "severity": "low"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["owner_id"] == cast.teammate.pk
    assert response.json()["severity"] == "low"
