"""Writes for feedback tickets and client accounts.

A ticket's life: new → acknowledged → in progress → resolved → confirmed by the client, or
reopened (and handled again). The PM, the AM or the ticket's owner (by default the project's AM)
handles it; the client's deciders confirm or reopen a client-visible one (feedback.tickets.
permissions). The first handling step (acknowledge with a reply to the client, start or resolve)
is the ticket's **first response**.

Complaints carry an SLA: first response and resolution targets by severity in business hours of
the provider (feedback.tickets.sla; targets from SlaTarget rows, else DEFAULT_SLA_TARGETS), due
times computed when raised (and again from the raise time when the severity changes). Breaches
are flagged once on the ticket and escalated once by `tickets_escalate_breaches` (a Celery beat
task): the flag is set by a conditional UPDATE, so two runs — even concurrent ones — escalate a
breach exactly once.

Every notification goes through notifications.services.notify (kind "feedback", in-app always,
e-mail as the person chose); clients are never told about an internal ticket.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organization
from common.errors import InvalidInput, InvalidTransition, NotAllowed
from common.text import clean_text
from feedback.models import (
    FeedbackTicket,
    Interaction,
    Opportunity,
    SlaTarget,
    TicketAttachment,
    TicketKind,
    TicketSeverity,
    TicketStatus,
)
from feedback.models.tickets import OPEN_STATUSES
from feedback.tickets.links import feedback_link
from feedback.tickets.permissions import (
    can_attach_to_ticket,
    can_decide_ticket,
    can_handle_ticket,
    can_manage_account,
    can_raise_ticket,
    can_view_ticket,
)
from feedback.tickets.sla import BusinessCalendar, add_business_time
from notifications.models import NotificationKind
from notifications.services import notify
from projects.models import CLIENT_ROLES, STAFF_ROLES, Membership, Project, Role, Visibility
from projects.permissions import can_view_internal_items
from projects.services.documents import document_check_file

if TYPE_CHECKING:
    from django.core.files import File

    from accounts.models import User

# Business hours: (first response, resolution) per severity.
DEFAULT_SLA_TARGETS: dict[str, tuple[int, int]] = {
    TicketSeverity.CRITICAL: (2, 16),
    TicketSeverity.HIGH: (4, 24),
    TicketSeverity.MEDIUM: (8, 40),
    TicketSeverity.LOW: (16, 80),
}
TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 20_000
MAX_ATTACHMENTS = 10


# --- SLA -----------------------------------------------------------------------------------------


def sla_calendar() -> BusinessCalendar:
    """The provider's business hours: its organisation's time zone (UTC without a provider),
    RAPPORT_SLA_BUSINESS_HOURS ("09:00-18:00") and RAPPORT_SLA_WORKING_DAYS ("1-5", ISO
    weekday numbers)."""
    zone = (
        Organization.objects.filter(kind=Organization.Kind.PROVIDER)
        .values_list("time_zone", flat=True)
        .first()
    ) or "UTC"
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = "UTC"
    return BusinessCalendar.from_strings(
        time_zone=zone,
        hours=settings.RAPPORT_SLA_BUSINESS_HOURS,
        days=settings.RAPPORT_SLA_WORKING_DAYS,
    )


def sla_targets() -> dict[str, tuple[int, int]]:
    """(first response, resolution) business hours per severity: configured rows over the
    defaults."""
    targets = dict(DEFAULT_SLA_TARGETS)
    for severity, first, resolution in SlaTarget.objects.values_list(
        "severity", "first_response_hours", "resolution_hours"
    ):
        targets[severity] = (first, resolution)
    return targets


def _set_sla(ticket: FeedbackTicket, calendar: BusinessCalendar | None = None) -> None:
    if ticket.kind != TicketKind.COMPLAINT:
        ticket.first_response_due_at = None
        ticket.resolution_due_at = None
        return
    calendar = calendar or sla_calendar()
    first, resolution = sla_targets()[ticket.severity]
    ticket.first_response_due_at = add_business_time(
        ticket.raised_at, timedelta(hours=first), calendar
    )
    ticket.resolution_due_at = add_business_time(
        ticket.raised_at, timedelta(hours=resolution), calendar
    )


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
    files: Iterable[File] = (),
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
    _set_sla(ticket)
    ticket._history_user = actor  # type: ignore[attr-defined]
    ticket.save()
    for item in checked:
        _store_attachment(actor=actor, ticket=ticket, checked=item)
    _notify(ticket, ticket_handlers(ticket), event="raised", by=actor)
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
def ticket_attach(*, actor: User, ticket: FeedbackTicket, file: File) -> TicketAttachment:
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
    ticket._history_user = actor  # type: ignore[attr-defined]
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
    _notify(ticket, _raiser(ticket), event="acknowledged", by=actor)
    return ticket


@transaction.atomic
def ticket_start(
    *, actor: User, ticket: FeedbackTicket, now: datetime | None = None
) -> FeedbackTicket:
    """The handler starts working on it."""
    ticket = _handle(actor=actor, ticket=ticket, step="start", now=now)
    _save(ticket, actor)
    _notify(ticket, _raiser(ticket), event="in_progress", by=actor)
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
    people = {person.pk: person for person in _raiser(ticket)}
    if ticket.visibility == Visibility.CLIENT:
        for person in _members(ticket, (Role.CLIENT_ADMIN, Role.CUSTOMER_REP)):
            people.setdefault(person.pk, person)
    _notify(ticket, list(people.values()), event="resolved", by=actor)
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
    _notify(ticket, ticket_handlers(ticket), event="confirmed", by=actor)
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
    _notify(ticket, ticket_handlers(ticket), event="reopened", by=actor)
    return ticket


@transaction.atomic
def ticket_update(
    *,
    actor: User,
    ticket: FeedbackTicket,
    owner_id: int | None = None,
    severity: str | None = None,
) -> FeedbackTicket:
    """The PM or AM re-assigns the ticket (to a PM, AM or team member of the project) or
    changes its severity (a complaint's due times are computed again from its raise time)."""
    ticket = _lock(ticket)
    if not can_view_ticket(actor, ticket) or not can_handle_ticket(actor, ticket):
        raise NotAllowed()
    if severity is not None:
        if severity not in TicketSeverity.values:
            raise InvalidInput(_("Unknown severity."), field="severity")
        if severity != ticket.severity:
            ticket.severity = severity
            _set_sla(ticket)
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
        _notify(ticket, [new_owner], event="assigned", by=actor)
    return ticket


# --- Escalation --------------------------------------------------------------------------------


def tickets_escalate_breaches(*, now: datetime | None = None, limit: int = 500) -> int:
    """Flag and escalate every complaint whose first response or resolution is overdue, once.

    Idempotent: the flag is set with `UPDATE … WHERE <flag> IS NULL`, and only the run whose
    update changed the row notifies (the owner, the PMs and AMs), each with a dedupe key.
    Returns how many breaches this run escalated."""
    now = now or timezone.now()
    base = FeedbackTicket.objects.filter(kind=TicketKind.COMPLAINT)
    late_response = base.filter(
        first_response_due_at__lt=now,
        first_responded_at__isnull=True,
        first_response_breached_at__isnull=True,
        status__in=OPEN_STATUSES,
    ).values_list("pk", flat=True)[:limit]
    late_resolution = base.filter(
        resolution_due_at__lt=now,
        resolution_breached_at__isnull=True,
        status__in=OPEN_STATUSES,
    ).values_list("pk", flat=True)[:limit]
    escalated = 0
    for pks, flag, event in (
        (list(late_response), "first_response_breached_at", "first_response_breached"),
        (list(late_resolution), "resolution_breached_at", "resolution_breached"),
    ):
        for pk in pks:
            with transaction.atomic():
                changed = FeedbackTicket.objects.filter(pk=pk, **{f"{flag}__isnull": True}).update(
                    **{flag: now}
                )
                if not changed:
                    continue
                ticket = FeedbackTicket.objects.select_related("project", "owner").get(pk=pk)
                people = {person.pk: person for person in ticket_handlers(ticket)}
                _notify(ticket, list(people.values()), event=event, by=None)
                escalated += 1
    return escalated


# --- Notifications -----------------------------------------------------------------------------


def _members(ticket: FeedbackTicket, roles: Iterable[str]) -> list[User]:
    memberships = (
        Membership.objects.filter(project_id=ticket.project_id, role__in=list(roles))
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    return [m.user for m in memberships]


def ticket_handlers(ticket: FeedbackTicket) -> list[User]:
    """The owner, then the project's PMs and AMs."""
    people: dict[int, User] = {}
    if ticket.owner is not None and ticket.owner.is_active:
        people[ticket.owner.pk] = ticket.owner
    for person in _members(ticket, (Role.PM, Role.AM)):
        people.setdefault(person.pk, person)
    return list(people.values())


def _raiser(ticket: FeedbackTicket) -> list[User]:
    return [ticket.raised_by] if ticket.raised_by.is_active else []


def ticket_url_for(user: User, ticket: FeedbackTicket) -> str:
    """The ticket's page on the reader's side."""
    name = "feedback:portal_ticket" if user.is_client_user else "feedback:ticket"
    return reverse(name, kwargs={"project_id": ticket.project_id, "ticket_id": ticket.pk})


def _title(ticket: FeedbackTicket, event: str, by: User | None) -> str:
    values = {
        "ref": ticket.reference,
        "title": ticket.title,
        "person": by.display_name if by else "",
        "project": ticket.project.name,
    }
    titles = {
        "raised": _("%(person)s raised %(ref)s on %(project)s: %(title)s"),
        "acknowledged": _("%(person)s acknowledged %(ref)s: %(title)s"),
        "in_progress": _("%(ref)s %(title)s is being worked on"),
        "resolved": _("%(ref)s %(title)s is resolved; please confirm or reopen it"),
        "confirmed": _("%(person)s confirmed the resolution of %(ref)s: %(title)s"),
        "reopened": _("%(person)s reopened %(ref)s: %(title)s"),
        "assigned": _("%(person)s made you the owner of %(ref)s: %(title)s"),
        "first_response_breached": _(
            "SLA breached: %(ref)s %(title)s on %(project)s has no first response yet"
        ),
        "resolution_breached": _(
            "SLA breached: %(ref)s %(title)s on %(project)s is not resolved in time"
        ),
    }
    return titles[event] % values


def _notify(ticket: FeedbackTicket, people: list[User], *, event: str, by: User | None) -> None:
    for person in people:
        if by is not None and person.pk == by.pk:
            continue
        if not can_view_ticket(person, ticket):
            continue  # never tell a client about an internal ticket
        is_client = person.project_roles.get(ticket.project_id) in CLIENT_ROLES
        url = ticket_url_for(person, ticket)
        with translation.override(person.language):
            title = _title(ticket, event, by)
        notify(
            user=person,
            kind=NotificationKind.FEEDBACK,
            title=title,
            url=url,
            email_template="feedback/tickets/email/ticket_event",
            context={
                "ticket": ticket,
                "project": ticket.project,
                "event": event,
                "feedback_url": feedback_link(ticket.project) if is_client else "",
            },
            dedupe_key=f"feedback-ticket:{ticket.pk}:{event}:{_event_stamp(ticket, event)}:"
            f"{person.pk}",
        )


def _event_stamp(ticket: FeedbackTicket, event: str) -> str:
    """Keeps a repeated event (reopened twice) apart while a retried one stays deduplicated."""
    if event in ("reopened", "acknowledged", "in_progress", "resolved", "assigned"):
        return str(ticket.reopened_count) + (f"-{ticket.owner_id}" if event == "assigned" else "")
    return "0"


# --- The account: interactions and opportunities ----------------------------------------------


def _require_account(actor: User, organization: Organization) -> None:
    if not can_manage_account(actor, organization):
        raise NotAllowed()


@transaction.atomic
def interaction_record(
    *,
    actor: User,
    organization: Organization,
    kind: str,
    occurred_on: date,
    people: str,
    notes: str = "",
    next_step: str = "",
    reminder_on: date | None = None,
) -> Interaction:
    """The AM logs a visit, call, meeting or e-mail with the client. A reminder date needs a
    next step and is not in the past; the AM is reminded on that date, once."""
    _require_account(actor, organization)
    if kind not in Interaction.Kind.values:
        raise InvalidInput(_("Choose the kind of interaction."), field="kind")
    people = clean_text(people, field="people", label=_("People"), max_length=300)
    notes = clean_text(
        notes, field="notes", label=_("The notes"), required=False, max_length=TEXT_MAX_LENGTH
    )
    next_step = clean_text(
        next_step, field="next_step", label=_("The next step"), required=False, max_length=300
    )
    if reminder_on is not None:
        if not next_step:
            raise InvalidInput(
                _("Say what the next step is, so the reminder says what to do."),
                field="next_step",
            )
        if reminder_on < timezone.localdate():
            raise InvalidInput(_("A reminder date is today or later."), field="reminder_on")
    return Interaction.objects.create(
        organization=organization,
        kind=kind,
        occurred_on=occurred_on,
        people=people,
        notes=notes,
        next_step=next_step,
        reminder_on=reminder_on,
        recorded_by=actor,
    )


def interaction_reminders_send(*, now: datetime | None = None, limit: int = 500) -> int:
    """Remind each AM of the next steps due today (in their time zone), once: the reminder is
    marked sent by a conditional UPDATE, so a second run — or a concurrent one — sends
    nothing. Returns how many reminders this run sent."""
    now = now or timezone.now()
    horizon = now.date() + timedelta(days=1)  # the earliest time zones are a day ahead of UTC
    candidates = list(
        Interaction.objects.filter(
            reminder_on__isnull=False, reminder_on__lte=horizon, reminded_at__isnull=True
        )
        .select_related("recorded_by", "organization")
        .order_by("reminder_on", "pk")[:limit]
    )
    sent = 0
    for interaction in candidates:
        person = interaction.recorded_by
        try:
            zone = zoneinfo.ZoneInfo(person.time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        if interaction.reminder_on > now.astimezone(zone).date():
            continue
        with transaction.atomic():
            changed = Interaction.objects.filter(
                pk=interaction.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not changed or not person.is_active:
                continue
            if not can_manage_account(person, interaction.organization):
                continue
            with translation.override(person.language):
                title = _("Next step with %(client)s: %(step)s") % {
                    "client": interaction.organization.name,
                    "step": interaction.next_step,
                }
            notify(
                user=person,
                kind=NotificationKind.REMINDER,
                title=title,
                url=reverse(
                    "feedback:account", kwargs={"organization_id": interaction.organization_id}
                )
                + f"#interaction-{interaction.pk}",
                email_template="feedback/tickets/email/interaction_reminder",
                context={"interaction": interaction},
                dedupe_key=f"interaction-reminder:{interaction.pk}",
            )
            sent += 1
    return sent


def _opportunity_values(
    *,
    title: str,
    value_estimate: Decimal | None,
    currency: str,
    stage: str,
    next_step: str,
) -> dict[str, object]:
    title = clean_text(title, field="title", label=_("The title"), max_length=200)
    next_step = clean_text(
        next_step, field="next_step", label=_("The next step"), required=False, max_length=300
    )
    if value_estimate is not None and value_estimate < 0:
        raise InvalidInput(_("A value estimate is not negative."), field="value_estimate")
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise InvalidInput(
            _("Give the currency as a three-letter code, such as EUR."), field="currency"
        )
    if stage not in Opportunity.Stage.values:
        raise InvalidInput(_("Unknown stage."), field="stage")
    return {
        "title": title,
        "value_estimate": value_estimate,
        "currency": currency,
        "stage": stage,
        "next_step": next_step,
    }


@transaction.atomic
def opportunity_create(
    *,
    actor: User,
    organization: Organization,
    title: str,
    value_estimate: Decimal | None = None,
    currency: str = "EUR",
    stage: str = Opportunity.Stage.LEAD,
    next_step: str = "",
    expected_close_on: date | None = None,
) -> Opportunity:
    """The AM records new business with the client."""
    _require_account(actor, organization)
    values = _opportunity_values(
        title=title,
        value_estimate=value_estimate,
        currency=currency,
        stage=stage,
        next_step=next_step,
    )
    opportunity = Opportunity(
        organization=organization, owner=actor, expected_close_on=expected_close_on, **values
    )
    opportunity._history_user = actor  # type: ignore[attr-defined]
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_update(
    *,
    actor: User,
    opportunity: Opportunity,
    title: str,
    value_estimate: Decimal | None,
    currency: str,
    stage: str,
    next_step: str,
    expected_close_on: date | None,
) -> Opportunity:
    """The AM moves an opportunity on (stage, value, next step, expected close)."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    _require_account(actor, opportunity.organization)
    values = _opportunity_values(
        title=title,
        value_estimate=value_estimate,
        currency=currency,
        stage=stage,
        next_step=next_step,
    )
    for name, value in values.items():
        setattr(opportunity, name, value)
    opportunity.expected_close_on = expected_close_on
    opportunity._history_user = actor  # type: ignore[attr-defined]
    opportunity.save()
    return opportunity
