"""Reads for projects, always scoped to what the user may see (projects.permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from config.errors import NotFound
from projects.models import Membership, Project, Role
from projects.permissions import can_view_project

if TYPE_CHECKING:
    from accounts.models import Organization, User


def project_list_for(*, user: User, include_archived: bool = False) -> QuerySet[Project]:
    projects = Project.objects.visible_to(user).select_related("client")
    if not include_archived:
        projects = projects.filter(is_archived=False)
    return projects.annotate(
        member_count=Count("memberships", distinct=True),
    ).order_by("name")


def project_get_for(*, user: User, project_id: int) -> Project:
    """The project, or NotFound alike for a missing and a forbidden one."""
    project = Project.objects.select_related("client").filter(pk=project_id).first()
    if project is None or not can_view_project(user, project):
        raise NotFound()
    return project


def membership_list_for(*, user: User, project: Project) -> QuerySet[Membership]:
    if not can_view_project(user, project):
        return Membership.objects.none()
    return (
        Membership.objects.filter(project=project)
        .select_related("user", "user__organization")
        .order_by("role", "user__display_name")
    )


def project_ids_with_role(*, user: User, roles: set[str] | frozenset[str]) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, role__in=roles).values("project_id")


def client_list_for_account_manager(*, user: User) -> QuerySet[Organization]:
    """The clients whose projects `user` manages the account of (all clients for a staff admin),
    with their number of active projects."""
    from accounts.models import Organization

    clients = Organization.objects.filter(kind=Organization.Kind.CLIENT)
    if not user.is_staff_admin:
        clients = clients.filter(
            projects__memberships__user=user, projects__memberships__role=Role.AM
        )
    return (
        clients.annotate(
            active_project_count=Count(
                "projects", filter=Q(projects__is_archived=False), distinct=True
            )
        )
        .distinct()
        .order_by("name")
    )


def client_get_for_account_manager(*, user: User, organization_id: int) -> Organization:
    client = client_list_for_account_manager(user=user).filter(pk=organization_id).first()
    if client is None:
        raise NotFound()
    return client
