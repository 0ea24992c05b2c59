"""Reads of requirements, always scoped to what the user may see: a client sees only the
client-visible requirements of their projects, the provider side all of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from common.errors import NotFound
from projects.models import Deliverable, Membership, Milestone, Project, Role, Visibility
from projects.permissions import can_view_internal_items, can_view_project
from projects.selectors.core import internal_project_ids_for, project_scope_for
from stakeholders.models import ChangeRequest, Confirmation, Requirement, RequirementVersion

if TYPE_CHECKING:
    from accounts.models import User


def requirement_list_for(
    *, user: User, project: Project, status: str = "", priority: str = ""
) -> QuerySet[Requirement]:
    if not can_view_project(user, project):
        return Requirement.objects.none()
    requirements = Requirement.objects.filter(project=project).select_related("project")
    if not can_view_internal_items(user, project):
        requirements = requirements.filter(visibility=Visibility.CLIENT)
    if status:
        requirements = requirements.filter(status=status)
    if priority:
        requirements = requirements.filter(priority=priority)
    return requirements.order_by("number")


def requirement_traceability_for(*, user: User, project: Project) -> QuerySet[Requirement]:
    """Each requirement with the milestones and deliverables it is traced to (those the user
    may see) and their acceptance state, in a fixed number of queries."""
    internal = can_view_internal_items(user, project)
    milestones = Milestone.objects.order_by("due_date", "id")
    deliverables = Deliverable.objects.select_related("milestone").order_by("due_date", "id")
    if not internal:
        milestones = milestones.filter(visibility=Visibility.CLIENT)
        deliverables = deliverables.filter(
            visibility=Visibility.CLIENT, milestone__visibility=Visibility.CLIENT
        )
    return requirement_list_for(user=user, project=project).prefetch_related(
        Prefetch("milestones", queryset=milestones),
        Prefetch("deliverables", queryset=deliverables),
    )


def _linked_change_requests(user: User, project: Project) -> QuerySet[ChangeRequest]:
    changes = ChangeRequest.objects.order_by("number")
    if not can_view_internal_items(user, project):
        changes = changes.filter(visibility=Visibility.CLIENT)
    return changes


def _versions_for(user: User, project: Project) -> QuerySet[RequirementVersion]:
    """Versions newest first; a client reads only those made while the requirement was
    client-visible (never the team's internal drafts)."""
    versions = RequirementVersion.objects.select_related("created_by").order_by("-number")
    if not can_view_internal_items(user, project):
        versions = versions.filter(visibility=Visibility.CLIENT)
    return versions


def requirement_get_for(*, user: User, project: Project, requirement_id: int) -> Requirement:
    """The requirement, or NotFound alike for a missing and a forbidden one; its `versions`
    are those `user` may read."""
    requirement = (
        requirement_list_for(user=user, project=project)
        .prefetch_related(
            Prefetch("versions", queryset=_versions_for(user, project)),
            Prefetch(
                "confirmations",
                queryset=Confirmation.objects.select_related("confirmed_by").order_by(
                    "-confirmed_at"
                ),
            ),
            Prefetch("change_requests", queryset=_linked_change_requests(user, project)),
        )
        .filter(pk=requirement_id)
        .first()
    )
    if requirement is None:
        raise NotFound()
    return requirement


def requirement_history_for(*, user: User, requirement: Requirement) -> QuerySet[Any]:
    """The requirement's timeline (simple-history), newest first; the caller has already read
    the requirement through requirement_get_for. A client reads only the records of the time
    the requirement was client-visible (the steps and reasons of an internal draft stay the
    team's)."""
    history: QuerySet[Any] = requirement.history.select_related("history_user").order_by(
        "-history_date"
    )
    if not can_view_internal_items(user, requirement.project):
        history = history.filter(visibility=Visibility.CLIENT)
    return history


def requirements_awaiting_confirmation_for(*, user: User) -> QuerySet[Requirement]:
    """Client-visible requirements awaiting confirmation in the projects where `user` confirms
    them (client admins and customer representatives), oldest first."""
    if not user.is_authenticated or not user.is_active:
        return Requirement.objects.none()
    project_ids = Membership.objects.filter(
        user=user, role__in=[Role.CLIENT_ADMIN, Role.CUSTOMER_REP]
    ).values("project_id")
    return (
        Requirement.objects.filter(
            project_id__in=project_ids,
            project__is_archived=False,
            status=Requirement.Status.CLARIFIED,
            visibility=Visibility.CLIENT,
        )
        .select_related("project")
        .order_by("updated_at", "id")
    )


def requirement_search_scope_for(
    *, user: User, include_archived: bool = False
) -> QuerySet[Requirement]:
    """Every requirement `user` may see, in every project they may open (for search)."""
    projects = project_scope_for(user=user, include_archived=include_archived).values("pk")
    requirements = Requirement.objects.select_related("project").filter(project_id__in=projects)
    internal = internal_project_ids_for(user=user)
    if internal is None:
        return requirements
    return requirements.filter(Q(project_id__in=internal) | Q(visibility=Visibility.CLIENT))


def requirement_trace_choices(
    *, requirement: Requirement
) -> tuple[list[Milestone], list[Deliverable]]:
    """The project's milestones and deliverables (the PM's form offers them all), each with
    `linked`, whether the requirement is traced to it: two queries for the form's choices and
    the page's list of what the requirement is traced to."""
    milestones = Milestone.objects.filter(project_id=requirement.project_id).annotate(
        linked=Exists(
            Requirement.milestones.through.objects.filter(
                requirement_id=requirement.pk, milestone_id=OuterRef("pk")
            )
        )
    )
    deliverables = Deliverable.objects.filter(project_id=requirement.project_id).annotate(
        linked=Exists(
            Requirement.deliverables.through.objects.filter(
                requirement_id=requirement.pk, deliverable_id=OuterRef("pk")
            )
        )
    )
    return list(milestones), list(deliverables)
