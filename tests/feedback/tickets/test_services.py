"""Feedback tickets: raising, the workflow, SLA due times, escalation and who may do what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from discussions.models import Entry
from discussions.selectors import entry_list_for
from discussions.services import entry_post
from feedback.models import FeedbackTicket, SlaTarget, TicketAttachment, TicketKind, TicketStatus
from feedback.services.sla import tickets_escalate_breaches
from feedback.services.tickets import (
    ticket_acknowledge,
    ticket_attach,
    ticket_confirm,
    ticket_raise,
    ticket_reopen,
    ticket_resolve,
    ticket_start,
    ticket_update,
)
from notifications.models import Notification, OutboxMessage
from projects.models import Visibility
from tests.feedback.tickets.helpers import FRIDAY_4PM, a_complaint, an_internal_complaint

pytestmark = pytest.mark.django_db


def test_rep_raises_a_complaint_with_number_owner_and_sla(cast):
    ticket = a_complaint(cast.rep, cast.project)
    assert ticket.reference == "FB-1"
    assert ticket.owner == cast.am  # the project's AM by default
    assert ticket.raised_side == FeedbackTicket.Side.CLIENT
    assert ticket.visibility == Visibility.CLIENT
    assert ticket.status == TicketStatus.NEW
    # High: 4 business hours to respond, 24 to resolve. Friday 16:00 London: 2 h on Friday,
    # 2 on Monday -> Monday 11:00; 24 h = 2 + 9 + 9 + 4 -> Wednesday 13:00.
    assert ticket.first_response_due_at == datetime(2026, 11, 30, 11, tzinfo=UTC)
    assert ticket.resolution_due_at == datetime(2026, 12, 2, 13, tzinfo=UTC)
    second = a_complaint(cast.pm, cast.project, title="Another")
    assert second.reference == "FB-2"


def test_configured_targets_replace_the_defaults(cast):
    SlaTarget.objects.create(severity="high", first_response_hours=1, resolution_hours=2)
    ticket = a_complaint(cast.rep, cast.project)
    assert ticket.first_response_due_at == datetime(2026, 11, 27, 17, tzinfo=UTC)
    assert ticket.resolution_due_at == datetime(2026, 11, 27, 18, tzinfo=UTC)  # at closing


def test_suggestions_have_no_sla(cast):
    ticket = ticket_raise(
        actor=cast.rep, project=cast.project, kind=TicketKind.SUGGESTION, title="Dark mode"
    )
    assert ticket.first_response_due_at is None
    assert ticket.resolution_due_at is None


def test_a_client_cannot_raise_an_internal_ticket(cast):
    ticket = an_internal_complaint(cast.rep, cast.project)
    assert ticket.visibility == Visibility.CLIENT


def test_the_owner_and_pms_are_told_of_a_new_complaint(cast):
    ticket = a_complaint(cast.rep, cast.project)
    told = set(
        Notification.objects.filter(url__contains=f"/feedback/{ticket.pk}/").values_list(
            "user__email", flat=True
        )
    )
    assert told == {cast.am.email, cast.pm.email}
    message = OutboxMessage.objects.get(to_email=cast.am.email, kind="feedback")
    assert "FB-1" in message.subject
    assert "Resolution due" in message.body_text


@pytest.mark.parametrize("role_name", ["viewer", "other_client_rep", "outsider", "staff_admin"])
def test_who_may_not_raise(cast, role_name):
    with pytest.raises(NotAllowed):
        a_complaint(cast.by_name(role_name), cast.project)
    assert not FeedbackTicket.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "y" * 20_001}, "description"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"kind": "rant"}, "kind"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(cast, changes, field):
    values = {"kind": TicketKind.COMPLAINT, "title": "Printing", **changes}
    with pytest.raises(InvalidInput) as error:
        ticket_raise(actor=cast.rep, project=cast.project, **values)
    assert error.value.field == field
    assert not FeedbackTicket.objects.exists()
    assert not Notification.objects.exists()


def test_too_long_title_says_how_long(cast):
    with pytest.raises(InvalidInput, match="at most 200 characters, not 201"):
        a_complaint(cast.rep, cast.project, title="x" * 201)


def test_attachments_are_checked_like_documents(cast):
    ok = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    program = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00rest-of-a-windows-program")
    with pytest.raises(InvalidInput, match="program"):
        a_complaint(cast.rep, cast.project, files=[ok, program])
    assert not FeedbackTicket.objects.exists()
    assert not TicketAttachment.objects.exists()
    ok.seek(0)
    ticket = a_complaint(cast.rep, cast.project, files=[ok])
    attachment = ticket.attachments.get()
    assert attachment.original_name == "photo.png"
    assert attachment.content_type == "image/png"
    assert attachment.file.name.startswith(f"feedback/{cast.project.pk}/")


def test_full_workflow_to_the_clients_confirmation(cast):
    ticket = a_complaint(cast.rep, cast.project)
    responded = FRIDAY_4PM + timedelta(minutes=30)
    ticket = ticket_acknowledge(
        actor=cast.am,
        ticket=ticket,
        message="We are on it: a printer driver update.",
        now=responded,
    )
    assert ticket.status == TicketStatus.ACKNOWLEDGED
    assert ticket.first_responded_at == responded
    assert ticket.first_responded_by == cast.am
    replies = list(entry_list_for(user=cast.rep, target=ticket))
    assert [entry.body for entry in replies] == ["We are on it: a printer driver update."]
    ticket = ticket_start(actor=cast.am, ticket=ticket)
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert ticket.first_responded_at == responded  # the first response stays the first
    ticket = ticket_resolve(actor=cast.am, ticket=ticket, resolution="Driver rolled back.")
    assert ticket.status == TicketStatus.RESOLVED
    assert ticket.resolved_by == cast.am
    assert Notification.objects.filter(user=cast.rep, title__contains="please confirm").exists()
    ticket = ticket_confirm(actor=cast.rep, ticket=ticket)
    assert ticket.status == TicketStatus.CONFIRMED
    assert ticket.confirmed_by == cast.rep
    assert ticket_confirm(actor=cast.rep, ticket=ticket).confirmed_at == ticket.confirmed_at
    statuses = list(ticket.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == ["new", "acknowledged", "in_progress", "resolved", "confirmed"]


def test_reopen_needs_a_reason_and_keeps_the_clock(cast):
    ticket = a_complaint(cast.rep, cast.project)
    ticket = ticket_resolve(actor=cast.am, ticket=ticket, resolution="Done.")
    with pytest.raises(InvalidInput) as error:
        ticket_reopen(actor=cast.rep, ticket=ticket, reason=" ")
    assert error.value.field == "reason"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    due = ticket.resolution_due_at
    ticket = ticket_reopen(actor=cast.client_admin, ticket=ticket, reason="Still printing twice.")
    assert ticket.status == TicketStatus.REOPENED
    assert ticket.reopened_count == 1
    assert ticket.resolved_at is None
    assert ticket.resolution_due_at == due
    ticket = ticket_acknowledge(actor=cast.am, ticket=ticket, message="Looking again.")
    assert ticket.status == TicketStatus.ACKNOWLEDGED


@pytest.mark.parametrize("role_name", ["rep", "client_admin", "viewer", "teammate"])
def test_only_handlers_take_the_providers_steps(cast, role_name):
    ticket = a_complaint(cast.rep, cast.project)
    with pytest.raises(NotAllowed):
        ticket_start(actor=cast.by_name(role_name), ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW


def test_a_team_member_who_owns_it_handles_it(cast):
    ticket = a_complaint(cast.rep, cast.project)
    ticket_update(actor=cast.pm, ticket=ticket, owner_id=cast.teammate.pk)
    ticket = ticket_start(actor=cast.teammate, ticket=ticket)
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert Notification.objects.filter(user=cast.teammate, title__contains="owner").exists()


def test_owner_must_be_on_the_team(cast):
    ticket = a_complaint(cast.rep, cast.project)
    with pytest.raises(InvalidInput) as error:
        ticket_update(actor=cast.pm, ticket=ticket, owner_id=cast.rep.pk)
    assert error.value.field == "owner"
    ticket.refresh_from_db()
    assert ticket.owner == cast.am


def test_a_new_severity_recomputes_the_due_times_from_the_raise(cast):
    ticket = a_complaint(cast.rep, cast.project)
    ticket = ticket_update(actor=cast.am, ticket=ticket, severity="critical")
    # Critical: 2 h and 16 h from Friday 16:00 -> Friday 18:00; 2 + 9 + 5 -> Tuesday 14:00.
    assert ticket.first_response_due_at == datetime(2026, 11, 27, 18, tzinfo=UTC)
    assert ticket.resolution_due_at == datetime(2026, 12, 1, 14, tzinfo=UTC)


@pytest.mark.parametrize("role_name", ["pm", "am", "viewer", "teammate"])
def test_only_the_clients_deciders_confirm_a_client_visible_ticket(cast, role_name):
    ticket = ticket_resolve(
        actor=cast.am, ticket=a_complaint(cast.rep, cast.project), resolution="Done."
    )
    with pytest.raises(NotAllowed):
        ticket_confirm(actor=cast.by_name(role_name), ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED


def test_confirming_an_open_ticket_is_a_conflict(cast):
    ticket = a_complaint(cast.rep, cast.project)
    with pytest.raises(InvalidTransition):
        ticket_confirm(actor=cast.rep, ticket=ticket)


def test_internal_ticket_is_closed_by_the_team(cast):
    ticket = an_internal_complaint(cast.teammate, cast.project)
    assert ticket.visibility == Visibility.INTERNAL
    ticket = ticket_resolve(actor=cast.am, ticket=ticket, resolution="Called back.")
    with pytest.raises(NotAllowed):
        ticket_confirm(actor=cast.rep, ticket=ticket)
    ticket = ticket_confirm(actor=cast.pm, ticket=ticket)
    assert ticket.status == TicketStatus.CONFIRMED


def test_clients_are_never_told_of_an_internal_ticket(cast):
    ticket = an_internal_complaint(cast.teammate, cast.project)
    ticket_resolve(actor=cast.am, ticket=ticket, resolution="Called back.")
    client_emails = {cast.rep.email, cast.client_admin.email, cast.viewer.email}
    assert not Notification.objects.filter(user__email__in=client_emails).exists()
    assert not OutboxMessage.objects.filter(to_email__in=client_emails).exists()


def test_internal_notes_on_a_ticket_never_reach_the_client(cast):
    ticket = a_complaint(cast.rep, cast.project)
    entry_post(
        actor=cast.am, target=ticket, body="Margin is thin here", kind=Entry.Kind.INTERNAL_NOTE
    )
    entry_post(actor=cast.am, target=ticket, body="We are looking into it")
    assert [e.body for e in entry_list_for(user=cast.rep, target=ticket)] == [
        "We are looking into it"
    ]
    assert len(entry_list_for(user=cast.pm, target=ticket)) == 2
    assert not OutboxMessage.objects.filter(
        to_email=cast.rep.email, body_text__contains="Margin"
    ).exists()


def test_client_emails_carry_the_give_feedback_link(cast, settings):
    settings.SITE_URL = "https://rapport.example"
    ticket = a_complaint(cast.rep, cast.project)
    ticket_acknowledge(actor=cast.am, ticket=ticket, message="On it.")
    message = OutboxMessage.objects.get(to_email=cast.rep.email, kind="feedback")
    assert (
        f"https://rapport.example/portal/feedback/new/?project={cast.project.pk}"
        in message.body_text
    )
    staff_message = OutboxMessage.objects.filter(to_email=cast.pm.email, kind="feedback").first()
    assert "portal/feedback/new" not in staff_message.body_text


def test_attach_later_by_raiser_and_not_by_viewer(cast):
    ticket = a_complaint(cast.rep, cast.project)
    ticket_attach(
        actor=cast.rep, ticket=ticket, file=SimpleUploadedFile("log.txt", b"printed twice\n")
    )
    with pytest.raises(NotAllowed):
        ticket_attach(actor=cast.viewer, ticket=ticket, file=SimpleUploadedFile("x.txt", b"x\n"))
    assert ticket.attachments.count() == 1


# --- Escalation ---------------------------------------------------------------------------------


def test_breaches_are_flagged_and_escalated_once(cast):
    ticket = a_complaint(cast.rep, cast.project)
    before_due = datetime(2026, 11, 30, 10, 59, tzinfo=UTC)
    assert tickets_escalate_breaches(now=before_due) == 0
    late = datetime(2026, 11, 30, 11, 1, tzinfo=UTC)
    assert tickets_escalate_breaches(now=late) == 1
    assert tickets_escalate_breaches(now=late) == 0  # the second run escalates nothing
    assert tickets_escalate_breaches(now=late + timedelta(hours=1)) == 0
    ticket.refresh_from_db()
    assert ticket.first_response_breached_at == late
    assert ticket.resolution_breached_at is None
    escalations = Notification.objects.filter(title__startswith="SLA breached")
    assert sorted(escalations.values_list("user__email", flat=True)) == sorted(
        [cast.am.email, cast.pm.email]
    )
    assert OutboxMessage.objects.filter(subject__startswith="SLA breached").count() == 2
    # The resolution target passes on Wednesday 13:00: escalated once more.
    much_later = datetime(2026, 12, 2, 13, 5, tzinfo=UTC)
    assert tickets_escalate_breaches(now=much_later) == 1
    assert tickets_escalate_breaches(now=much_later) == 0
    assert Notification.objects.filter(title__startswith="SLA breached").count() == 4


def test_responded_or_resolved_complaints_are_not_escalated(cast):
    ticket = a_complaint(cast.rep, cast.project)
    ticket_resolve(
        actor=cast.am, ticket=ticket, resolution="Done.", now=FRIDAY_4PM + timedelta(hours=1)
    )
    assert tickets_escalate_breaches(now=datetime(2026, 12, 10, tzinfo=UTC)) == 0
    assert not Notification.objects.filter(title__startswith="SLA breached").exists()


def test_escalating_an_internal_complaint_tells_no_client(cast):
    an_internal_complaint(cast.teammate, cast.project)
    assert tickets_escalate_breaches(now=datetime(2026, 12, 10, tzinfo=UTC)) == 2
    clients = [cast.rep, cast.client_admin, cast.viewer]
    assert not Notification.objects.filter(user__in=clients).exists()


def test_the_beat_tasks_run_twice_and_act_once(cast):
    from unittest import mock

    from feedback import tasks

    a_complaint(cast.rep, cast.project)
    later = datetime(2026, 12, 10, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert tasks.ticket_sla_escalation_task() == 2  # first response and resolution
        assert tasks.ticket_sla_escalation_task() == 0
    assert OutboxMessage.objects.filter(subject__startswith="SLA breached").count() == 4
