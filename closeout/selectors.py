"""Closeout reads, scoped by the permission layer.

The provider sees every point with its open items and the waivers' internal reasons; a client
member sees only each point's outcome (holds, waived, with the PM's note for the client) and
the requests for final acceptance, never an item's title or a waiver's reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from closeout.checklist import Checklist, closeout_checklist
from closeout.models import ClosureRequest, Reopening, Waiver
from closeout.permissions import can_view_closeout, can_waive_closeout_point
from common.errors import NotFound
from projects.models import Membership, Role
from projects.permissions import can_view_project

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project


def checklist_get_for(*, user: User, project: Project) -> Checklist:
    """The full checklist, for the provider side only."""
    if not can_view_closeout(user, project):
        raise NotFound()
    return closeout_checklist(project)


def checklist_outcome_for(*, user: User, project: Project) -> list[dict[str, object]]:
    """What a project member of either side may see: each point's outcome, no item titles and
    no internal reasons."""
    if not can_view_project(user, project):
        raise NotFound()
    return closeout_checklist(project).as_record()


def closure_requests_for(*, user: User, project: Project) -> QuerySet[ClosureRequest]:
    if not can_view_project(user, project):
        return ClosureRequest.objects.none()
    return ClosureRequest.objects.filter(project=project).select_related(
        "requested_by", "decided_by"
    )


def closure_request_get_for(*, user: User, project: Project, request_id: int) -> ClosureRequest:
    request = closure_requests_for(user=user, project=project).filter(pk=request_id).first()
    if request is None:
        raise NotFound()
    return request


def closure_request_awaiting_for(*, user: User, project: Project) -> ClosureRequest | None:
    return (
        closure_requests_for(user=user, project=project)
        .filter(status=ClosureRequest.Status.AWAITING)
        .first()
    )


def reopenings_for(*, user: User, project: Project) -> QuerySet[Reopening]:
    """Reopenings and their reasons: provider side only."""
    if not can_view_closeout(user, project):
        return Reopening.objects.none()
    return Reopening.objects.filter(project=project).select_related("reopened_by")


def waiver_list_for(*, user: User, project: Project) -> QuerySet[Waiver]:
    """The project's waivers with their internal reasons: provider side only."""
    if not can_view_closeout(user, project):
        return Waiver.objects.none()
    return Waiver.objects.filter(project=project).select_related("waived_by")


def waiver_get_for(*, user: User, project: Project, waiver_id: int) -> Waiver:
    waiver = waiver_list_for(user=user, project=project).filter(pk=waiver_id).first()
    if waiver is None or not can_waive_closeout_point(user, project):
        raise NotFound()
    return waiver


def closure_requests_awaiting_decision_for(*, user: User) -> QuerySet[ClosureRequest]:
    """Requests for final acceptance waiting for `user` as client admin, oldest first."""
    if not user.is_authenticated or not user.is_active:
        return ClosureRequest.objects.none()
    project_ids = Membership.objects.filter(user=user, role=Role.CLIENT_ADMIN).values("project_id")
    return (
        ClosureRequest.objects.filter(
            project_id__in=project_ids, status=ClosureRequest.Status.AWAITING
        )
        .select_related("project", "requested_by")
        .order_by("requested_at", "id")
    )
