"""Writes for feedback tickets (the SLA in feedback.services.sla, notifications in
feedback.services.ticket_notifications).

A ticket's life: new → acknowledged → in progress → resolved → confirmed by the client, or
reopened (and handled again). The PM, the AM or the ticket's owner (by default the project's AM)
handles it; the client's deciders confirm or reopen a client-visible one
(feedback.permissions). The first handling step (acknowledge with a reply to the client, start or
resolve) is the ticket's **first response**.

Complaints carry an SLA: first response and resolution targets by severity in business hours of
the provider (feedback.sla; targets from SlaTarget rows, else DEFAULT_SLA_TARGETS), due
times computed when raised (and again from the raise time when the severity changes).

Every notification goes through notifications.services.notify (kind "feedback", in-app always,
e-mail as the person chose); clients are never told about an internal ticket.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from common.events import EventType
from common.history import set_history_user
from common.revisions import check_revision
from common.text import clean_text
from feedback.models import (
    FeedbackTicket,
    TicketAttachment,
    TicketKind,
    TicketSeverity,
    TicketStatus,
)
from feedback.models.tickets import OPEN_STATUSES
from feedback.permissions import (
    can_attach_to_ticket,
    can_decide_ticket,
    can_handle_ticket,
    can_raise_ticket,
    can_view_ticket,
)
from feedback.services.sla import ticket_set_sla
from feedback.services.ticket_notifications import (
    announce_complaint,
    ticket_handlers,
    ticket_members,
    ticket_notify,
    ticket_raiser,
)
from projects.models import STAFF_ROLES, Membership, Project, Role, Visibility
from projects.permissions import can_view_internal_items
from projects.services.documents import document_check_file

if TYPE_CHECKING:
    from django.core.files import File

    from accounts.models import User

# Business hours: (first response, resolution) per severity.


TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 20_000
MAX_ATTACHMENTS = 10

# --- Raising and attaching ---------------------------------------------------------------------


def default_owner(project: Project) -> User | None:
    """The project's account manager (the first one), else its PM."""
    for role in (Role.AM, Role.PM):
        membership = (
            Membership.objects.filter(project=project, role=role, user__is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if membership is not None:
            return membership.user
    return None


@transaction.atomic
def ticket_raise(
    *,
    actor: User,
    project: Project,
    kind: str,
    title: str,
    description: str = "",
    severity: str = TicketSeverity.MEDIUM,
    visibility: str = Visibility.CLIENT,
    files: Iterable[File[Any]] = (),
    now: datetime | None = None,
) -> FeedbackTicket:
    """Record feedback on `project`. A client's ticket is always client-visible; the team may
    keep one internal. The owner is the project's AM (else its PM); a complaint gets its SLA due
    times. Attachments are checked like project documents (type from the content, size limit;
    programs refused) before anything is written. The owner and the PMs are told."""
    if not can_raise_ticket(actor, project):
        raise NotAllowed()
    if kind not in TicketKind.values:
        raise InvalidInput(_("Choose what kind of feedback this is."), field="kind")
    if severity not in TicketSeverity.values:
        raise InvalidInput(_("Unknown severity."), field="severity")
    if visibility not in Visibility.values:
        raise InvalidInput(_("Unknown visibility."), field="visibility")
    title = clean_text(title, field="title", label=_("The title"), max_length=TITLE_MAX_LENGTH)
    description = clean_text(
        description,
        field="description",
        label=_("The description"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )
    files = list(files)
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidInput(
            _("Attach at most %(max)d files.") % {"max": MAX_ATTACHMENTS}, field="files"
        )
    checked = [document_check_file(file=file) for file in files]
    provider_side = bool(can_view_internal_items(actor, project))
    if not provider_side:
        visibility = Visibility.CLIENT
    locked = Project.objects.select_for_update().get(pk=project.pk)
    last = locked.feedback_tickets.aggregate(last=Max("number"))["last"] or 0
    ticket = FeedbackTicket(
        project=locked,
        number=last + 1,
        kind=kind,
        severity=severity,
        title=title,
        description=description,
        visibility=visibility,
        raised_by=actor,
        raised_side=FeedbackTicket.Side.PROVIDER if provider_side else FeedbackTicket.Side.CLIENT,
        raised_at=now or timezone.now(),
        owner=default_owner(locked),
    )
    ticket_set_sla(ticket)
    set_history_user(ticket, actor)
    ticket.save()
    for item in checked:
        _store_attachment(actor=actor, ticket=ticket, checked=item)
    ticket_notify(ticket, ticket_handlers(ticket), event="raised", by=actor)
    if ticket.kind == TicketKind.COMPLAINT:
        announce_complaint(ticket, EventType.COMPLAINT_OPENED)
    return ticket


def _store_attachment(*, actor: User, ticket: FeedbackTicket, checked: object) -> TicketAttachment:
    attachment = TicketAttachment(
        ticket=ticket,
        original_name=checked.name,  # type: ignore[attr-defined]
        size=len(checked.content),  # type: ignore[attr-defined]
        content_type=checked.file_type.content_type,  # type: ignore[attr-defined]
        sha256=checked.sha256,  # type: ignore[attr-defined]
        uploaded_by=actor,
    )
    attachment.file.save(checked.name, ContentFile(checked.content), save=True)  # type: ignore[attr-defined]
    return attachment


@transaction.atomic
def ticket_attach(*, actor: User, ticket: FeedbackTicket, file: File[Any]) -> TicketAttachment:
    """Add a file to an open (or resolved) ticket: its raiser, its handlers, the client's
    deciders."""
    ticket = _lock(ticket)
    if not can_view_ticket(actor, ticket):
        raise NotAllowed()
    if not can_attach_to_ticket(actor, ticket):
        raise NotAllowed()
    if ticket.status == TicketStatus.CONFIRMED:
        raise InvalidTransition(_("This ticket is closed."))
    if ticket.attachments.count() >= MAX_ATTACHMENTS:
        raise InvalidInput(
            _("A ticket holds at most %(max)d files.") % {"max": MAX_ATTACHMENTS}, field="file"
        )
    checked = document_check_file(file=file)
    return _store_attachment(actor=actor, ticket=ticket, checked=checked)


# --- The workflow ------------------------------------------------------------------------------

HANDLER_STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    # step: (from statuses, to status)
    "acknowledge": ((TicketStatus.NEW, TicketStatus.REOPENED), TicketStatus.ACKNOWLEDGED),
    "start": (
        (TicketStatus.NEW, TicketStatus.ACKNOWLEDGED, TicketStatus.REOPENED),
        TicketStatus.IN_PROGRESS,
    ),
    "resolve": (tuple(OPEN_STATUSES), TicketStatus.RESOLVED),
}


def _lock(ticket: FeedbackTicket) -> FeedbackTicket:
    return (
        FeedbackTicket.objects.select_for_update(of=("self",))
        .select_related("project", "raised_by", "owner")
        .get(pk=ticket.pk)
    )


def _handle(
    *, actor: User, ticket: FeedbackTicket, step: str, now: datetime | None = None
) -> FeedbackTicket:
    ticket = _lock(ticket)
    if not can_view_ticket(actor, ticket) or not can_handle_ticket(actor, ticket):
        raise NotAllowed()
    sources, target = HANDLER_STEPS[step]
    if ticket.status not in sources:
        raise InvalidTransition(
            _("This step is not possible while the ticket is %(status)s.")
            % {"status": ticket.get_status_display()}
        )
    now = now or timezone.now()
    ticket.status = target
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
        ticket.first_responded_by = actor
    return ticket


def _save(ticket: FeedbackTicket, actor: User) -> None:
    set_history_user(ticket, actor)
    ticket.save()


@transaction.atomic
def ticket_acknowledge(
    *, actor: User, ticket: FeedbackTicket, message: str, now: datetime | None = None
) -> FeedbackTicket:
    """The handler answers the raiser: the message is posted as a reply in the ticket's
    discussion (the client reads it) and counts as the first response."""
    from discussions.services import entry_post

    message = clean_text(message, field="message", label=_("The reply"), max_length=TEXT_MAX_LENGTH)
    ticket = _handle(actor=actor, ticket=ticket, step="acknowledge", now=now)
    _save(ticket, actor)
    entry_post(actor=actor, target=ticket, body=message)
    ticket_notify(ticket, ticket_raiser(ticket), event="acknowledged", by=actor)
    return ticket


@transaction.atomic
def ticket_start(
    *, actor: User, ticket: FeedbackTicket, now: datetime | None = None
) -> FeedbackTicket:
    """The handler starts working on it."""
    ticket = _handle(actor=actor, ticket=ticket, step="start", now=now)
    _save(ticket, actor)
    ticket_notify(ticket, ticket_raiser(ticket), event="in_progress", by=actor)
    return ticket


@transaction.atomic
def ticket_resolve(
    *, actor: User, ticket: FeedbackTicket, resolution: str, now: datetime | None = None
) -> FeedbackTicket:
    """The handler says what was done; the ticket awaits the client's confirmation (the raiser
    and, for a client-visible ticket, the client's deciders are told)."""
    resolution = clean_text(
        resolution,
        field="resolution",
        label=_("The resolution"),
        max_length=TEXT_MAX_LENGTH,
    )
    ticket = _handle(actor=actor, ticket=ticket, step="resolve", now=now)
    ticket.resolved_at = now or timezone.now()
    ticket.resolved_by = actor
    ticket.resolution = resolution
    _save(ticket, actor)
    people = {person.pk: person for person in ticket_raiser(ticket)}
    if ticket.visibility == Visibility.CLIENT:
        for person in ticket_members(ticket, (Role.CLIENT_ADMIN, Role.CUSTOMER_REP)):
            people.setdefault(person.pk, person)
    ticket_notify(ticket, list(people.values()), event="resolved", by=actor)
    if ticket.kind == TicketKind.COMPLAINT:
        announce_complaint(ticket, EventType.COMPLAINT_RESOLVED, resolution=ticket.resolution)
    return ticket


@transaction.atomic
def ticket_confirm(
    *, actor: User, ticket: FeedbackTicket, now: datetime | None = None
) -> FeedbackTicket:
    """The client confirms the resolution (the PM or AM for an internal ticket). Confirming a
    confirmed ticket again changes nothing."""
    ticket = _lock(ticket)
    if not can_view_ticket(actor, ticket) or not can_decide_ticket(actor, ticket):
        raise NotAllowed()
    if ticket.status == TicketStatus.CONFIRMED:
        return ticket
    if ticket.status != TicketStatus.RESOLVED:
        raise InvalidTransition(_("Only a resolved ticket is confirmed."))
    ticket.status = TicketStatus.CONFIRMED
    ticket.confirmed_at = now or timezone.now()
    ticket.confirmed_by = actor
    _save(ticket, actor)
    ticket_notify(ticket, ticket_handlers(ticket), event="confirmed", by=actor)
    return ticket


@transaction.atomic
def ticket_reopen(
    *, actor: User, ticket: FeedbackTicket, reason: str, now: datetime | None = None
) -> FeedbackTicket:
    """The client says the resolution does not hold, with a reason (posted as a reply). The
    resolution clock keeps counting from the raise: a complaint is resolved once it stays so."""
    from discussions.services import entry_post

    reason = clean_text(reason, field="reason", label=_("The reason"), max_length=TEXT_MAX_LENGTH)
    ticket = _lock(ticket)
    if not can_view_ticket(actor, ticket) or not can_decide_ticket(actor, ticket):
        raise NotAllowed()
    if ticket.status != TicketStatus.RESOLVED:
        raise InvalidTransition(_("Only a resolved ticket is reopened."))
    ticket.status = TicketStatus.REOPENED
    ticket.resolved_at = None
    ticket.resolved_by = None
    ticket.reopened_count += 1
    _save(ticket, actor)
    entry_post(actor=actor, target=ticket, body=reason)
    ticket_notify(ticket, ticket_handlers(ticket), event="reopened", by=actor)
    return ticket


@transaction.atomic
def ticket_update(
    *,
    actor: User,
    ticket: FeedbackTicket,
    owner_id: int | None = None,
    severity: str | None = None,
    revision: int | None = None,
) -> FeedbackTicket:
    """The PM or AM re-assigns the ticket (to a PM, AM or team member of the project) or
    changes its severity (a complaint's due times are computed again from its raise time).
    With `revision`, EditConflict if someone saved the ticket since that revision."""
    ticket = _lock(ticket)
    if not can_view_ticket(actor, ticket) or not can_handle_ticket(actor, ticket):
        raise NotAllowed()
    check_revision(ticket, revision)
    if severity is not None:
        if severity not in TicketSeverity.values:
            raise InvalidInput(_("Unknown severity."), field="severity")
        if severity != ticket.severity:
            ticket.severity = severity
            ticket_set_sla(ticket)
    new_owner = None
    if owner_id is not None and owner_id != ticket.owner_id:
        membership = (
            Membership.objects.filter(
                project_id=ticket.project_id,
                user_id=owner_id,
                role__in=STAFF_ROLES,
                user__is_active=True,
            )
            .select_related("user")
            .first()
        )
        if membership is None:
            raise InvalidInput(
                _("The owner must be a member of the project's team."), field="owner"
            )
        ticket.owner = new_owner = membership.user
    _save(ticket, actor)
    if new_owner is not None:
        ticket_notify(ticket, [new_owner], event="assigned", by=actor)
    return ticket
