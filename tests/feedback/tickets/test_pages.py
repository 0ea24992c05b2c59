"""Ticket pages on both sides: the staff Feedback tab and ticket, the portal's list, form and
ticket, the e-mail "Give feedback" link, the portal home, CSV, and constant query counts."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.links import feedback_link
from feedback.models import FeedbackTicket, TicketKind, TicketStatus
from feedback.services.tickets import ticket_resolve
from tests.feedback.tickets.helpers import a_complaint, an_internal_complaint
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def test_staff_tab_lists_tickets_with_their_sla_clock(cast, client):
    a_complaint(cast.rep, cast.project)
    an_internal_complaint(cast.teammate, cast.project)
    client.force_login(cast.am)
    html = client.get(
        reverse("feedback:project_feedback", args=(cast.project.pk,))
    ).content.decode()
    assert "The pick lists print twice" in html
    assert "Warehouse lead grumbled" in html
    assert 'data-testid="sla-clock"' in html


def test_team_records_feedback_and_bad_input_changes_nothing(cast, client):
    client.force_login(cast.teammate)
    url = reverse("feedback:project_feedback", args=(cast.project.pk,))
    response = client.post(
        url, {"kind": "complaint", "severity": "high", "title": "", "visibility": "client"}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not FeedbackTicket.objects.exists()
    response = client.post(
        url,
        {"kind": "praise", "severity": "low", "title": "Great go-live", "visibility": "internal"},
    )
    ticket = FeedbackTicket.objects.get()
    assert response.status_code == 302
    assert ticket.kind == TicketKind.PRAISE
    assert ticket.visibility == "internal"


def test_staff_handles_a_ticket_through_the_page(cast, client):
    ticket = a_complaint(cast.rep, cast.project)
    client.force_login(cast.am)
    url = reverse("feedback:ticket", args=(cast.project.pk, ticket.pk))
    acknowledge = reverse("feedback:ticket_acknowledge", args=(cast.project.pk, ticket.pk))
    resolve = reverse("feedback:ticket_resolve", args=(cast.project.pk, ticket.pk))
    response = client.post(acknowledge, {"message": ""})
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW
    client.post(acknowledge, {"message": "Sorry, on it."})
    client.post(resolve, {"resolution": "Fixed the driver."})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    html = client.get(url).content.decode()
    assert "Fixed the driver." in html
    assert "Sorry, on it." in html  # the reply in the discussion


def test_portal_shows_the_clients_tickets_and_never_internal_ones(cast, client):
    visible = a_complaint(cast.rep, cast.project)
    internal = an_internal_complaint(cast.teammate, cast.project)
    client.force_login(cast.viewer)
    html = client.get(reverse("feedback:portal_tickets")).content.decode()
    assert visible.title in html
    assert internal.title not in html
    html = client.get(
        reverse("feedback:portal_project_tickets", args=(cast.project.pk,))
    ).content.decode()
    assert internal.title not in html
    response = client.get(reverse("feedback:portal_ticket", args=(cast.project.pk, internal.pk)))
    assert response.status_code == 404
    client.force_login(cast.other_client_rep)
    html = client.get(reverse("feedback:portal_tickets")).content.decode()
    assert visible.title not in html


def test_the_email_link_logs_in_and_lands_on_the_form_with_the_project_chosen(
    cast, client, settings
):
    settings.SITE_URL = "https://rapport.example"
    link = feedback_link(cast.project)
    assert link == f"https://rapport.example/portal/feedback/new/?project={cast.project.pk}"
    path = link.removeprefix("https://rapport.example")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(path, safe='/')}"
    client.force_login(cast.rep)
    html = client.get(path).content.decode()
    assert f'<option value="{cast.project.pk}" selected>' in html


def test_a_rep_raises_feedback_with_a_file_in_the_portal(cast, client):
    client.force_login(cast.rep)
    url = reverse("feedback:portal_ticket_create")
    photo = SimpleUploadedFile(
        "dock.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, content_type="image/png"
    )
    response = client.post(
        url,
        {
            "project": cast.project.pk,
            "kind": "complaint",
            "severity": "critical",
            "title": "Scanners freeze at the dock",
            "description": "Since the update.",
            "files": [photo],
        },
    )
    ticket = FeedbackTicket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "feedback:portal_ticket", args=(cast.project.pk, ticket.pk)
    )
    assert ticket.attachments.get().original_name == "dock.png"
    download = client.get(
        reverse(
            "feedback:portal_ticket_attachment",
            args=(cast.project.pk, ticket.pk, ticket.attachments.get().pk),
        )
    )
    assert download.status_code == 200
    assert download["Content-Security-Policy"] == "sandbox"


def test_a_rep_cannot_raise_on_another_clients_project(cast, client):
    client.force_login(cast.rep)
    response = client.post(
        reverse("feedback:portal_ticket_create"),
        {
            "project": cast.other_project.pk,
            "kind": "complaint",
            "severity": "low",
            "title": "Sneaky",
        },
    )
    assert response.status_code == 400  # not among the choices
    assert not FeedbackTicket.objects.exists()


def test_a_program_is_refused_with_a_clear_message(cast, client):
    client.force_login(cast.rep)
    program = SimpleUploadedFile("report.pdf", b"MZ\x90\x00binary")
    response = client.post(
        reverse("feedback:portal_ticket_create"),
        {
            "project": cast.project.pk,
            "kind": "complaint",
            "severity": "low",
            "title": "x",
            "files": [program],
        },
    )
    assert response.status_code == 400
    assert "is a program or a script" in response.content.decode()
    assert not FeedbackTicket.objects.exists()


def test_resolved_complaints_wait_on_the_portal_home_and_are_confirmed(cast, client):
    ticket = ticket_resolve(
        actor=cast.am, ticket=a_complaint(cast.rep, cast.project), resolution="Done."
    )
    client.force_login(cast.client_admin)
    html = client.get(reverse("portal:home")).content.decode()
    assert "Confirm the resolution of FB-1" in html
    client.post(reverse("feedback:portal_ticket_confirm", args=(cast.project.pk, ticket.pk)))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CONFIRMED
    assert (
        "Confirm the resolution of FB-1" not in client.get(reverse("portal:home")).content.decode()
    )
    client.force_login(cast.viewer)  # a viewer does not decide
    assert "FB-1" not in client.get(reverse("portal:home")).content.decode()


def test_internal_resolved_ticket_is_not_on_the_portal_home(cast, client):
    ticket_resolve(
        actor=cast.am, ticket=an_internal_complaint(cast.pm, cast.project), resolution="x"
    )
    client.force_login(cast.rep)
    assert "FB-1" not in client.get(reverse("portal:home")).content.decode()


def test_csv_is_formula_safe(cast, client):
    a_complaint(cast.rep, cast.project, title="=HYPERLINK(1)")
    client.force_login(cast.am)
    response = client.get(reverse("feedback:project_feedback_csv", args=(cast.project.pk,)))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][3] == "'=HYPERLINK(1)"
    assert rows[1][0] == "FB-1"


def _many(cast, count):
    for number in range(count):
        a_complaint(cast.rep, cast.project, title=f"Complaint {number}")


@pytest.mark.parametrize(
    ("role_name", "url_name", "with_project"),
    [
        ("am", "feedback:project_feedback", True),
        ("rep", "feedback:portal_project_tickets", True),
        ("rep", "feedback:portal_tickets", False),
    ],
)
def test_lists_keep_a_constant_number_of_queries(cast, client, role_name, url_name, with_project):
    client.force_login(cast.by_name(role_name))
    url = reverse(url_name, args=(cast.project.pk,) if with_project else ())
    _many(cast, 5)
    few = count_queries(client, url, warm=True)
    _many(cast, 45)
    assert count_queries(client, url, warm=True) == few


def test_api_list_keeps_a_constant_number_of_queries(cast, client):
    client.force_login(cast.pm)
    url = f"/api/v1/projects/{cast.project.pk}/feedback-tickets/"
    _many(cast, 5)
    few = count_queries(client, url, warm=True)
    _many(cast, 45)
    assert count_queries(client, url, warm=True) == few


def test_the_escalation_shows_to_the_team_not_to_the_client(cast, client):
    from datetime import timedelta

    from django.utils import timezone

    from feedback.services.sla import tickets_escalate_breaches

    ticket = a_complaint(cast.rep, cast.project, now=timezone.now() - timedelta(days=14))
    assert tickets_escalate_breaches() == 2
    client.force_login(cast.pm)
    html = client.get(
        reverse("feedback:ticket", args=(cast.project.pk, ticket.pk))
    ).content.decode()
    assert "The SLA breach was escalated." in html
    client.force_login(cast.rep)
    url = reverse("feedback:portal_ticket", args=(cast.project.pk, ticket.pk))
    html = client.get(url).content.decode()
    assert "The SLA breach was escalated." not in html
    assert 'data-testid="sla-breached"' in html  # the clock itself is the client's to see


def test_my_feedback_can_show_only_what_i_raised(cast, client):
    a_complaint(cast.rep, cast.project, title="Rory's")
    a_complaint(cast.client_admin, cast.project, title="Clara's")
    client.force_login(cast.rep)
    html = client.get(reverse("feedback:portal_tickets"), {"mine": "1"}).content.decode()
    assert "Rory&#x27;s" in html
    assert "Clara&#x27;s" not in html
    html = client.get(reverse("feedback:portal_tickets")).content.decode()
    assert "Clara&#x27;s" in html
