"""Who may do what with feedback tickets and client accounts: the project role predicates of
projects.permissions (DESIGN.md's table) applied to one ticket or one client organisation.

- Everyone in the project reads its client-visible tickets; internal ones (recorded by the team
  and kept internal) only the provider side and staff admins.
- Whoever may submit feedback raises a ticket (PM, AM, team, client admin, customer rep).
- The PM and the AM handle tickets (acknowledge, start, resolve, re-assign, change severity);
  so does the ticket's owner while they are on the provider side of the project.
- The client's deciders (client admin, customer representative) confirm a resolved client-visible
  ticket or reopen it; an internal ticket is closed and reopened by the PM or AM instead.
- The account page (interactions, opportunities) is the account manager's: an AM of any project
  of that client, and staff admins. PMs do not see it: it holds commercial notes (values,
  negotiations) that are the AM's to share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from accounts.models import Organization
from projects.models import Role, Visibility
from projects.permissions import (
    can_confirm_requirement,
    can_handle_complaints,
    can_submit_feedback,
    can_view_internal_items,
    can_view_project,
    is_staff_member,
)

if TYPE_CHECKING:
    from accounts.models import User
    from feedback.models import FeedbackTicket


def can_view_ticket(user: User, ticket: FeedbackTicket) -> bool:
    if not can_view_project(user, ticket.project):
        return False
    return ticket.visibility == Visibility.CLIENT or bool(
        can_view_internal_items(user, ticket.project)
    )


def can_raise_ticket(user: User, project: object) -> bool:
    return bool(can_submit_feedback(user, project))


def can_handle_ticket(user: User, ticket: FeedbackTicket) -> bool:
    project = ticket.project
    if can_handle_complaints(user, project):
        return True
    return bool(
        ticket.owner_id is not None
        and ticket.owner_id == user.pk
        and is_staff_member(user, project)
    )


def can_decide_ticket(user: User, ticket: FeedbackTicket) -> bool:
    """Confirm the resolution or reopen: the client's deciders for a client-visible ticket; the
    PM or AM for an internal one (the client does not know of it)."""
    if ticket.visibility == Visibility.CLIENT:
        return bool(can_confirm_requirement(user, ticket.project))
    return bool(can_handle_complaints(user, ticket.project))


def can_attach_to_ticket(user: User, ticket: FeedbackTicket) -> bool:
    """The raiser, the handlers and the client's deciders add files while the ticket is open."""
    return bool(
        can_view_ticket(user, ticket)
        and (
            ticket.raised_by_id == user.pk
            or can_handle_ticket(user, ticket)
            or (
                ticket.visibility == Visibility.CLIENT
                and can_confirm_requirement(user, ticket.project)
            )
        )
    )


@rules.predicate
def can_manage_account(user: User, organization: Organization | None) -> bool:
    """The account page of a client: its account managers (AM of any of its projects) and
    staff admins."""
    if organization is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if organization.kind != Organization.Kind.CLIENT:
        return False
    if user.is_staff_admin:
        return True
    if not user.is_provider_user:
        return False
    return user.memberships.filter(project__client=organization, role=Role.AM).exists()


rules.add_perm("feedback.manage_account", can_manage_account)
