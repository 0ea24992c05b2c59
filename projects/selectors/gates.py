"""Reads for phase gates, scoped by the permission layer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from common.errors import NotFound
from projects.models import Membership, PhaseGate, Project, Role
from projects.permissions import can_view_project

if TYPE_CHECKING:
    from accounts.models import User


def gate_list_for(*, user: User, project: Project) -> QuerySet[PhaseGate]:
    """The project's gate reviews, newest first (both sides see them: the phase is shared)."""
    if not can_view_project(user, project):
        return PhaseGate.objects.none()
    return PhaseGate.objects.filter(project=project).select_related("requested_by", "decided_by")


def gate_get_for(*, user: User, project: Project, gate_id: int) -> PhaseGate:
    gate = gate_list_for(user=user, project=project).filter(pk=gate_id).first()
    if gate is None:
        raise NotFound()
    return gate


def gates_awaiting_decision_for(*, user: User) -> QuerySet[PhaseGate]:
    """Gate reviews waiting for `user` as client admin of their projects, oldest first."""
    if not user.is_authenticated or not user.is_active:
        return PhaseGate.objects.none()
    project_ids = Membership.objects.filter(user=user, role=Role.CLIENT_ADMIN).values("project_id")
    return (
        PhaseGate.objects.filter(
            project_id__in=project_ids, status=PhaseGate.Status.AWAITING_CLIENT
        )
        .select_related("project", "requested_by")
        .order_by("requested_at", "id")
    )
