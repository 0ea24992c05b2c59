"""Who is told of a ticket's events, and how: every notification goes through
notifications.services.notify (kind "feedback", in-app always, e-mail as the person chose);
clients are never told about an internal ticket.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from common.events import EventType, emit
from feedback.links import feedback_link
from feedback.models import (
    FeedbackTicket,
)
from feedback.permissions import (
    can_view_ticket,
)
from notifications.models import NotificationKind
from notifications.services.notifications import notify
from projects.models import CLIENT_ROLES, Membership, Role, Visibility

if TYPE_CHECKING:
    from accounts.models import User

# Business hours: (first response, resolution) per severity.


# --- Notifications -----------------------------------------------------------------------------


def ticket_members(ticket: FeedbackTicket, roles: Iterable[str]) -> list[User]:
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
    for person in ticket_members(ticket, (Role.PM, Role.AM)):
        people.setdefault(person.pk, person)
    return list(people.values())


def ticket_raiser(ticket: FeedbackTicket) -> list[User]:
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


def ticket_notify(
    ticket: FeedbackTicket, people: list[User], *, event: str, by: User | None
) -> None:
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


def announce_complaint(
    ticket: FeedbackTicket,
    event_type: EventType,
    *,
    client_visible: bool | None = None,
    **extra: str,
) -> None:
    """A complaint's event; a client's endpoints hear of it when the ticket is shared with the
    client, unless `client_visible` says otherwise (an SLA breach is the provider's matter)."""
    if client_visible is None:
        client_visible = ticket.visibility == Visibility.CLIENT
    emit(
        event_type,
        project=ticket.project,
        client_visible=client_visible,
        data={
            "complaint": {
                "id": ticket.pk,
                "number": ticket.number,
                "title": ticket.title,
                "severity": ticket.severity,
                "status": ticket.status,
                "raised_by_side": ticket.raised_side,
            },
            **extra,
        },
    )
