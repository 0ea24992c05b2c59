"""Reads for change requests, scoped by the permission layer: the provider side (and staff
admins) sees every change request of its projects, a client member only the client-visible ones
(and never the team's internal note, which the portal and the client API do not render)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet

from common.errors import NotFound
from projects.models import Membership, Project, Role, Visibility
from projects.permissions import can_view_internal_items, can_view_project
from projects.selectors.search import project_items_scope_for
from stakeholders.models import ChangeRequest, Requirement, ScheduleImpact

if TYPE_CHECKING:
    from accounts.models import User


def schedule_impacts_visible_to(*, user: User, project: Project) -> QuerySet[ScheduleImpact]:
    """The schedule impacts of the project's change requests that `user` may read: all of them
    for the provider side, for a client only those on client-visible milestones (an internal
    milestone's name and move are never shown). Every reader of impacts (the API, the pages,
    the change log's cumulative impact) goes through here."""
    impacts = ScheduleImpact.objects.filter(change_request__project=project).select_related(
        "milestone"
    )
    if not can_view_internal_items(user, project):
        impacts = impacts.filter(milestone__visibility=Visibility.CLIENT)
    return impacts


def _with_relations(
    queryset: QuerySet[ChangeRequest], *, user: User, project: Project
) -> QuerySet[ChangeRequest]:
    return queryset.select_related(
        "project",
        "requested_by",
        "assessed_by",
        "provider_approved_by",
        "client_approved_by",
        "rejected_by",
        "baseline",
    ).prefetch_related(
        Prefetch(
            "schedule_impacts", queryset=schedule_impacts_visible_to(user=user, project=project)
        )
    )


def change_request_list_for(
    *, user: User, project: Project, with_requirements: bool = True
) -> QuerySet[ChangeRequest]:
    """The project's change requests `user` may see, newest first; each with the requirements
    it is linked to that `user` may see, unless the caller reads those otherwise
    (`with_requirements=False`)."""
    if not can_view_project(user, project):
        return ChangeRequest.objects.none()
    queryset = ChangeRequest.objects.filter(project=project)
    linked = Requirement.objects.order_by("number")
    if not can_view_internal_items(user, project):
        queryset = queryset.filter(visibility=Visibility.CLIENT)
        linked = linked.filter(visibility=Visibility.CLIENT)
    queryset = _with_relations(queryset, user=user, project=project)
    if not with_requirements:
        return queryset
    return queryset.prefetch_related(Prefetch("requirements", queryset=linked))


def change_request_get_for(
    *, user: User, project: Project, cr_id: int, with_requirements: bool = True
) -> ChangeRequest:
    """One change request, or the same NotFound for a missing and a hidden one."""
    cr = (
        change_request_list_for(user=user, project=project, with_requirements=with_requirements)
        .filter(pk=cr_id)
        .first()
    )
    if cr is None:
        raise NotFound()
    return cr


def change_request_summary_of(change_requests: Sequence[ChangeRequest]) -> dict[str, Any]:
    """The cumulative impact of the approved change requests among `change_requests`, as read
    by change_request_list_for for the list they sum up (no query of its own): days per
    milestone (only the schedule impacts the reader may see), total cost; and how many are
    approved, rejected and pending."""
    approved = [cr for cr in change_requests if cr.status == ChangeRequest.Status.APPROVED]
    pending = (ChangeRequest.Status.SUBMITTED, ChangeRequest.Status.ASSESSED)
    days: dict[int, dict[str, Any]] = {}
    for cr in approved:
        for impact in cr.schedule_impacts.all():
            row = days.setdefault(
                impact.milestone_id,
                {
                    "milestone_id": impact.milestone_id,
                    "milestone__name": impact.milestone.name,
                    "milestone__baseline_due_date": impact.milestone.baseline_due_date,
                    "days": 0,
                },
            )
            row["days"] += impact.days
    return {
        "approved": len(approved),
        "rejected": sum(cr.status == ChangeRequest.Status.REJECTED for cr in change_requests),
        "pending": sum(cr.status in pending for cr in change_requests),
        "cost": sum((cr.cost_impact for cr in approved), Decimal(0)) or 0,
        # By baseline due date (a milestone without one last), then as created.
        "milestones": sorted(
            days.values(),
            key=lambda row: (
                row["milestone__baseline_due_date"] is None,
                row["milestone__baseline_due_date"] or date.min,
                row["milestone_id"],
            ),
        ),
    }


def change_requests_awaiting_decision_for(*, user: User) -> QuerySet[ChangeRequest]:
    """Assessed, client-visible change requests waiting for `user`'s approval as client admin,
    oldest first."""
    if not user.is_authenticated or not user.is_active:
        return ChangeRequest.objects.none()
    project_ids = Membership.objects.filter(user=user, role=Role.CLIENT_ADMIN).values("project_id")
    return (
        ChangeRequest.objects.filter(
            project_id__in=project_ids,
            status=ChangeRequest.Status.ASSESSED,
            visibility=Visibility.CLIENT,
            client_approved_at__isnull=True,
        )
        .select_related("project", "requested_by")
        .order_by("requested_at", "id")
    )


def change_request_search_scope_for(
    *, user: User, include_archived: bool = False
) -> QuerySet[ChangeRequest]:
    return project_items_scope_for(
        ChangeRequest.objects.select_related("project"),
        user=user,
        include_archived=include_archived,
        client_rule=Q(visibility=Visibility.CLIENT),
    )
