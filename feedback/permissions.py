"""Who may do what in the feedback app: the project role predicates of projects.permissions
(DESIGN.md's table) applied to one ticket, one client organisation or one project's surveys.

Tickets and the account:
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

Surveys: satisfaction belongs to the project's PM and AM (DESIGN.md: "satisfaction dashboards,
complaint handling"); staff admins read everything; the client answers through the tokenised link
and sees only their own answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from accounts.models import Organization
from accounts.permissions import is_staff_admin
from projects.models import Role, Visibility
from projects.permissions import (
    can_confirm_requirement,
    can_handle_complaints,
    can_submit_feedback,
    can_view_internal_items,
    can_view_project,
    can_view_satisfaction,
    is_staff_member,
)

if TYPE_CHECKING:
    from accounts.models import User
    from feedback.models import DetractorFollowUp, FeedbackTicket
    from projects.models import Project

# --- Tickets and the account ----------------------------------------------------------------------


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
    roles = user.project_roles
    clients = getattr(roles, "clients", None)
    if clients is not None and clients.keys() >= roles.keys():
        # The person's roles, read once a request, tell it with their projects' clients.
        return any(
            role == Role.AM and clients[project_id] == organization.pk
            for project_id, role in roles.items()
        )
    return user.memberships.filter(project__client=organization, role=Role.AM).exists()


rules.add_perm("feedback.manage_account", can_manage_account)


# --- Surveys --------------------------------------------------------------------------------------


def can_manage_surveys(user: User, project: Project) -> bool:
    """Send campaigns and set automations for the project: its PM and AM."""
    return bool(can_view_satisfaction(user, project))


def can_read_survey_results(user: User, project: Project) -> bool:
    """Read the project's campaigns, invitations and responses: its PM and AM, staff admins."""
    return bool(can_view_satisfaction(user, project) or is_staff_admin(user))


def can_close_follow_up(user: User, follow_up: DetractorFollowUp) -> bool:
    """The project's AM (the owner by default) or PM closes a detractor follow-up."""
    return bool(can_view_satisfaction(user, follow_up.project))


@rules.predicate
def manages_surveys_somewhere(user: User) -> bool:
    """PMs and AMs of any project and staff admins keep the survey templates."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_staff_admin or bool({Role.PM, Role.AM} & set(user.project_roles.values()))


rules.add_perm("feedback.manage_survey_templates", manages_surveys_somewhere)
rules.add_perm("feedback.manage_surveys", rules.predicate(can_manage_surveys))
rules.add_perm("feedback.read_survey_results", rules.predicate(can_read_survey_results))
