"""Reads of requirements, always scoped to what the user may see: a client sees only the
client-visible requirements of their projects, the provider side all of them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Value

from accounts.models import User
from common.errors import NotFound
from projects.models import Deliverable, Membership, Milestone, Project, Role, Visibility
from projects.permissions import can_view_internal_items, can_view_project
from projects.selectors.core import internal_project_ids_for, project_scope_for
from stakeholders.models import ChangeRequest, Confirmation, Requirement, RequirementVersion


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


def requirement_get_for(
    *, user: User, project: Project, requirement_id: int, with_texts: bool = True
) -> Requirement:
    """The requirement, or NotFound alike for a missing and a forbidden one; its `versions`
    are those `user` may read, with its `confirmations`, unless the caller reads those with
    requirement_texts_for (`with_texts=False`)."""
    requirements = requirement_list_for(user=user, project=project).prefetch_related(
        Prefetch("change_requests", queryset=_linked_change_requests(user, project))
    )
    if with_texts:
        requirements = requirements.prefetch_related(
            Prefetch("versions", queryset=_versions_for(user, project)),
            Prefetch(
                "confirmations",
                queryset=Confirmation.objects.select_related("confirmed_by").order_by(
                    "-confirmed_at"
                ),
            ),
        )
    requirement = requirements.filter(pk=requirement_id).first()
    if requirement is None:
        raise NotFound()
    return requirement


_TEXT_COLUMNS = (
    "x_kind",
    "pk",
    "x_number",
    "x_title",
    "x_description",
    "x_priority",
    "x_notes",
    "x_visibility",
    "x_person",
    "x_person_name",
    "x_at",
)


def requirement_texts_for(
    *, user: User, requirement: Requirement
) -> tuple[list[RequirementVersion], list[Confirmation]]:
    """The requirement's versions `user` may read, newest first (a client reads only those
    made while the requirement was client-visible), and its confirmations, latest first, each
    with the name of who made it: one query. The caller has read the requirement through
    requirement_get_for."""

    def part(queryset: QuerySet[Any], kind: int, **values: Any) -> Any:
        return (
            queryset.filter(requirement_id=requirement.pk)
            .order_by()
            .annotate(
                x_kind=Value(kind),
                x_title=F("title"),
                x_description=F("description"),
                x_priority=F("priority"),
                x_notes=F("acceptance_notes"),
                **values,
            )
            .values_list(*_TEXT_COLUMNS)
        )

    rows = part(
        _versions_for(user, requirement.project),
        0,
        x_number=F("number"),
        x_visibility=F("visibility"),
        x_person=F("created_by_id"),
        x_person_name=F("created_by__display_name"),
        x_at=F("created_at"),
    ).union(
        part(
            Confirmation.objects.all(),
            1,
            x_number=F("version"),
            x_visibility=Value(""),
            x_person=F("confirmed_by_id"),
            x_person_name=F("confirmed_by__display_name"),
            x_at=F("confirmed_at"),
        ),
        all=True,
    )
    versions: list[RequirementVersion] = []
    confirmations: list[Confirmation] = []
    for kind, pk, number, title, description, priority, notes, visibility, person, name, at in rows:
        who = User(pk=person, display_name=name) if person is not None else None
        if kind == 0:
            version = RequirementVersion(
                pk=pk,
                requirement=requirement,
                number=number,
                title=title,
                description=description,
                priority=priority,
                acceptance_notes=notes,
                visibility=visibility,
                created_by=who,
                created_at=at,
            )
            versions.append(version)
        else:
            confirmations.append(
                Confirmation(
                    pk=pk,
                    requirement=requirement,
                    version=number,
                    title=title,
                    description=description,
                    priority=priority,
                    acceptance_notes=notes,
                    confirmed_by=who,
                    confirmed_at=at,
                )
            )
    versions.sort(key=lambda version: (-version.number, -version.pk))
    confirmations.sort(
        key=lambda confirmation: (confirmation.confirmed_at, confirmation.pk), reverse=True
    )
    return versions, confirmations


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


def requirement_link_choices(
    *, user: User, project: Project, change_request: ChangeRequest
) -> list[Requirement]:
    """The project's requirements `user` may see (those a change request may be linked to), by
    number, each with `linked`, whether `change_request` is linked to it: one query for the
    assessment form's choices and the page's list of linked requirements."""
    return list(
        requirement_list_for(user=user, project=project).annotate(
            linked=Exists(
                ChangeRequest.requirements.through.objects.filter(
                    changerequest_id=change_request.pk, requirement_id=OuterRef("pk")
                )
            )
        )
    )


def requirement_trace_choices(
    *, requirement: Requirement
) -> tuple[list[Milestone], list[Deliverable]]:
    """The project's milestones and deliverables (the PM's form offers them all), each in its
    model's order with `linked`, whether the requirement is traced to it: one query for the
    form's choices and the page's list of what the requirement is traced to. Each comes with
    what those show (its name; a deliverable's status)."""
    columns = ("t_kind", "pk", "t_name", "t_status", "t_due", "t_position", "t_linked")

    def part(kind: int, queryset: QuerySet[Any], through: Any, field: str, **values: Any) -> Any:
        linked = Exists(
            through.objects.filter(requirement_id=requirement.pk, **{field: OuterRef("pk")})
        )
        return (
            queryset.filter(project_id=requirement.project_id)
            .order_by()
            .annotate(
                t_kind=Value(kind), t_name=F("name"), t_due=F("due_date"), t_linked=linked, **values
            )
            .values_list(*columns)
        )

    rows = part(
        0,
        Milestone.objects.all(),
        Requirement.milestones.through,
        "milestone_id",
        t_status=F("status"),
        t_position=F("position"),
    ).union(
        part(
            1,
            Deliverable.objects.all(),
            Requirement.deliverables.through,
            "deliverable_id",
            t_status=F("status"),
            t_position=Value(0),
        ),
        all=True,
    )

    # Milestones by due date, position and id; deliverables by due date (none last) and id.
    def order(row: tuple[Any, ...]) -> tuple[Any, ...]:
        kind, pk, _name, _status, due, position, _linked = row
        return (kind, due is None, due or date.min, position, pk)

    milestones: list[Milestone] = []
    deliverables: list[Deliverable] = []
    for kind, pk, name, status, due, position, linked in sorted(rows, key=order):
        item: Any
        if kind == 0:
            item = Milestone(
                pk=pk,
                project_id=requirement.project_id,
                name=name,
                status=status,
                due_date=due,
                position=position,
            )
            milestones.append(item)
        else:
            item = Deliverable(
                pk=pk, project_id=requirement.project_id, name=name, status=status, due_date=due
            )
            deliverables.append(item)
        item.linked = bool(linked)
    return milestones, deliverables
