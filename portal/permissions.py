"""Who may do what in the portal's own features (DESIGN.md's table), on top of the project
predicates of projects.permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from projects.permissions import is_am, is_client_admin, is_client_member, is_pm, role_of

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project

# The PM or the AM of the project may look at the portal as one of its client members.
can_view_portal_as_client = is_pm | is_am
# The client-side audit log: the client admin of the project, and the PM and AM.
can_view_client_audit_log = is_client_admin | is_pm | is_am
# The onboarding page: every client member of the project.
can_view_onboarding = is_client_member


def can_view_as_person(viewer: User, project: Project, person: User) -> bool:
    """May `viewer` look at the portal as `person`? Only a PM or AM of the project, only as an
    active client member of that same project, and never from inside another view-as."""
    if not can_view_portal_as_client(viewer, project):
        return False
    if not person.is_active or not person.is_client_user or person.pk == viewer.pk:
        return False
    return is_client_member(person, project) and role_of(person, project) is not None


rules.add_perm("portal.view_as_client", can_view_portal_as_client)
rules.add_perm("portal.view_client_audit_log", can_view_client_audit_log)
rules.add_perm("portal.view_onboarding", can_view_onboarding)
