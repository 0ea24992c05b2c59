"""Reads for projects, always scoped to what the user may see (projects.permissions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.compiled import CompiledGet, CompiledValues
from common.errors import NotFound
from common.json_rows import json_rows, objects_from_json, prefetch_from_json
from projects.models import (
    CLIENT_ROLES,
    STAFF_ROLES,
    AcceptanceRound,
    CriterionResult,
    Deliverable,
    Invitation,
    Membership,
    Milestone,
    Objective,
    Project,
    QualityReview,
    Role,
    Visibility,
)
from projects.permissions import can_manage_members, can_view_internal_items, can_view_project

if TYPE_CHECKING:
    from accounts.models import Organization, User


def project_scope_for(*, user: User, include_archived: bool = False) -> QuerySet[Project]:
    """The projects `user` may open (not archived unless asked), unordered and unannotated: the
    base of project_list_for and of the cross-project reads (search)."""
    projects = Project.objects.visible_to(user)
    if not include_archived:
        projects = projects.filter(is_archived=False)
    return projects


def project_list_for(
    *, user: User, include_archived: bool = False, count_members: bool = True
) -> QuerySet[Project]:
    """The projects `user` may open, by name, with their client and (unless `count_members` is
    False: the API's list does not show it) their number of members."""
    projects = project_scope_for(user=user, include_archived=include_archived)
    if not count_members:
        return projects.select_related("client").order_by("name")
    # A subquery, not Count("memberships"): visible_to() joins the memberships already, and a
    # count over that join would count only the viewer's own membership.
    members = (
        Membership.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Count("id"))
        .values("total")
    )
    return (
        projects.select_related("client")
        .annotate(member_count=Coalesce(Subquery(members, output_field=IntegerField()), 0))
        .order_by("name")
    )


# The reads of project_get_for by the relations read with the project, each compiled to SQL
# once per process (common.compiled): every project page and API call makes one.
_project_reads: dict[tuple[str, ...], CompiledGet] = {}


def project_get_for(*, user: User, project_id: int, related: Sequence[str] = ()) -> Project:
    """The project, or NotFound alike for a missing and a forbidden one; with who overrode its
    health, which its health reads, and the `related` a page reads in the same query."""
    names = ("client", "health_override_by", *related)
    read = _project_reads.get(names)
    if read is None:
        read = _project_reads[names] = CompiledGet(lambda: Project.objects.select_related(*names))
    project: Project | None = read.get(project_id)
    if project is None or not can_view_project(user, project):
        raise NotFound()
    return project


def objective_list_for(*, user: User, project: Project) -> QuerySet[Objective]:
    """The project's objectives, for everyone who sees the project (the client included)."""
    if not can_view_project(user, project):
        return Objective.objects.none()
    return Objective.objects.filter(project=project).order_by("position", "id")


def objective_rows() -> Subquery:
    """A project's objectives, to read in the project's own query (as `objective_rows`)."""
    fields = [field.attname for field in Objective._meta.concrete_fields]
    return json_rows(Objective.objects.filter(project=OuterRef("pk")), fields, by="project")


def objectives_read_with(project: Project) -> list[Objective]:
    """The objectives read in the project's query (objective_rows), in objective_list_for's
    order. The project was read for someone who may see it, and so its objectives."""
    objectives = objects_from_json(Objective, project.objective_rows)  # type: ignore[attr-defined]
    return sorted(objectives, key=lambda objective: (objective.position, objective.pk))


def invitation_list_for(*, user: User, project: Project) -> QuerySet[Invitation]:
    """The project's invitations not yet accepted that `user` manages the members with: all
    of them for the provider side (the PM), the client's roles only for a client admin (who the
    provider brings onto its side is its own business); none for anyone else."""
    if not can_manage_members(user, project):
        return Invitation.objects.none()
    invitations = Invitation.objects.filter(project=project, accepted_at__isnull=True)
    if not can_view_internal_items(user, project):
        invitations = invitations.filter(role__in=sorted(CLIENT_ROLES))
    return invitations


def pending_invitation_list_for(*, user: User, project: Project) -> QuerySet[Invitation]:
    """invitation_list_for's invitations still open (not withdrawn, not expired), newest
    first."""
    return (
        invitation_list_for(user=user, project=project)
        .filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )


def membership_list_for(*, user: User, project: Project) -> QuerySet[Membership]:
    if not can_view_project(user, project):
        return Membership.objects.none()
    return (
        Membership.objects.filter(project=project)
        .select_related("user", "user__organization")
        .order_by("role", "user__display_name")
    )


def project_ids_with_role(
    *, user: User, roles: set[str] | frozenset[str]
) -> QuerySet[Membership, Any]:
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


# --- Milestones and deliverables --------------------------------------------------------------


def _client_visible(queryset: QuerySet[Any], user: User, project: Project) -> QuerySet[Any]:
    """Internal items are for the provider side (and staff admins) only."""
    return _seen_on_side(queryset, internal=can_view_internal_items(user, project))


def _seen_on_side(queryset: QuerySet[Any], *, internal: bool) -> QuerySet[Any]:
    """`queryset` as the side that sees internal items sees it, or as the client does."""
    return queryset if internal else queryset.filter(visibility=Visibility.CLIENT)


def milestone_visible_to_client() -> Q:
    """A client sees a client-visible milestone."""
    return Q(visibility=Visibility.CLIENT)


def deliverable_visible_to_client() -> Q:
    """A client sees a deliverable only if it and its milestone are client-visible."""
    return Q(visibility=Visibility.CLIENT, milestone__visibility=Visibility.CLIENT)


def internal_project_ids_for(*, user: User) -> QuerySet[Membership, Any] | None:
    """The projects where `user` sees internal items (a subquery of ids), or None for all of
    them (a staff admin). The cross-project form of can_view_internal_items."""
    if user.is_authenticated and user.is_active and user.is_staff_admin:
        return None
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none().values("project_id")
    return project_ids_with_role(user=user, roles=STAFF_ROLES)


def milestone_list_for(*, user: User, project: Project) -> QuerySet[Milestone]:
    if not can_view_project(user, project):
        return Milestone.objects.none()
    return _milestones_of(project.pk, internal=can_view_internal_items(user, project))


def _milestones_of(project_id: int, *, internal: bool) -> QuerySet[Milestone]:
    """The project's milestones, those a client sees unless `internal`, each with the
    deliverables seen alike (prefetched) and how many of them there are and are accepted."""
    milestones = Milestone.objects.filter(project_id=project_id)
    if not internal:
        milestones = milestones.filter(milestone_visible_to_client())
    deliverables = _seen_on_side(
        Deliverable.objects.filter(project_id=project_id), internal=internal
    )
    # Completion: accepted deliverables / all deliverables the user may see, in SQL.
    counted = Q() if internal else Q(deliverables__visibility=Visibility.CLIENT)
    return (
        milestones.prefetch_related(
            Prefetch("deliverables", queryset=deliverables.select_related("owner"))
        )
        .annotate(
            deliverable_count=Count("deliverables", filter=counted),
            accepted_deliverable_count=Count(
                "deliverables",
                filter=counted & Q(deliverables__status__in=Deliverable.ACCEPTED_STATES),
            ),
        )
        .order_by("due_date", "position", "id")
    )  # an aggregate drops Meta.ordering


def milestones_with_deliverables_for(*, user: User, project: Project) -> list[Milestone]:
    """milestone_list_for's milestones, each with the deliverables `user` may see (in their
    usual order, with their owners' names) read in the milestones' own query: one query where
    the list costs two, its SQL compiled once per process for the projects whose internal items
    the person sees and once for the others (_milestones_read). For a page that shows the
    deliverables' names, states and dates."""
    if not can_view_project(user, project):
        return []
    internal = can_view_internal_items(user, project)
    milestones: list[Milestone] = _milestones_read.objects([project.pk], (internal,))
    # Deliverable's own order (due day, then id), a day-less one last as PostgreSQL sorts.
    prefetch_from_json(
        milestones,
        "deliverables",
        "deliverable_rows",
        related=["owner"],
        key=lambda item: (item.due_date is None, item.due_date, item.pk),
    )
    return milestones


def _milestones_with_deliverable_rows(key: tuple[bool], values: list[Any]) -> QuerySet[Any]:
    """The milestones of the project whose id is `values[0]`, with their deliverables as JSON,
    those a client sees unless the key says `internal`."""
    (internal,) = key
    (project_id,) = values
    rows = json_rows(
        _seen_on_side(
            Deliverable.objects.filter(project_id=project_id, milestone=OuterRef("pk")),
            internal=internal,
        ),
        [field.attname for field in Deliverable._meta.concrete_fields],
        by="milestone",
        related={"owner": ["id", "display_name"]},
    )
    return (
        _milestones_of(project_id, internal=internal)
        .prefetch_related(None)
        .annotate(deliverable_rows=rows)
    )


# The milestones with their deliverables, compiled once per process for each side of the
# internal items and read with the project's id (common.compiled).
_milestones_read = CompiledValues(_milestones_with_deliverable_rows)


def deliverable_list_for(*, user: User, project: Project) -> QuerySet[Deliverable]:
    if not can_view_project(user, project):
        return Deliverable.objects.none()
    deliverables = Deliverable.objects.filter(project=project).select_related("milestone", "owner")
    if not can_view_internal_items(user, project):
        deliverables = deliverables.filter(deliverable_visible_to_client())
    return deliverables


def deliverable_get_for(*, user: User, project: Project, deliverable_id: int) -> Deliverable:
    deliverable = (
        deliverable_list_for(user=user, project=project)
        .prefetch_related("criteria")
        .filter(pk=deliverable_id)
        .first()
    )
    if deliverable is None:
        raise NotFound()
    return deliverable


def deliverable_rounds(*, deliverable: Deliverable) -> QuerySet[AcceptanceRound]:
    """The submissions to the client with their answers and per-criterion results, newest
    first (the deliverable's timeline)."""
    return (
        AcceptanceRound.objects.filter(deliverable=deliverable)
        .select_related("submitted_by", "decided_by", "quality_review__reviewer")
        .prefetch_related(
            Prefetch(
                "criterion_results",
                queryset=CriterionResult.objects.select_related("criterion").order_by(
                    "criterion__position"
                ),
            )
        )
        .order_by("-number")
    )


def quality_reviews_for(*, user: User, deliverable: Deliverable) -> QuerySet[QualityReview]:
    """Internal: the team's reviews, for the provider side only."""
    if not can_view_internal_items(user, deliverable.project):
        return QualityReview.objects.none()
    return deliverable.quality_reviews.select_related("reviewer").order_by("-created_at")


def deliverables_awaiting_decision_for(*, user: User) -> QuerySet[Deliverable]:
    """Deliverables submitted to the client and not yet answered, in the projects where `user`
    may accept or reject them (client admins and customer representatives), oldest first."""
    if not user.is_authenticated or not user.is_active:
        return Deliverable.objects.none()
    project_ids = Membership.objects.filter(
        user=user, role__in=[Role.CLIENT_ADMIN, Role.CUSTOMER_REP]
    ).values("project_id")
    return (
        Deliverable.objects.filter(
            project_id__in=project_ids,
            status=Deliverable.Status.SUBMITTED,
            visibility=Visibility.CLIENT,
            milestone__visibility=Visibility.CLIENT,
        )
        .select_related("project", "milestone")
        .order_by("submitted_at", "id")
    )


def organization_list_for(*, user: User) -> QuerySet[Organization]:
    """A client user sees their own organisation; provider people the provider and the clients
    of the projects they can see; a staff admin every organisation."""
    from accounts.models import Organization

    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_staff_admin:
        return Organization.objects.order_by("name")
    if user.is_client_user:
        return Organization.objects.filter(pk=user.organization_id or 0)
    client_ids = Project.objects.visible_to(user).values("client_id")
    return Organization.objects.filter(
        Q(kind=Organization.Kind.PROVIDER) | Q(pk__in=client_ids)
    ).order_by("name")
