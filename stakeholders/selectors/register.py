"""Reads of the register, the communication plan and the RACI: scoped to what the user may
see (a client only the client-visible part), owning their select_related."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from common.errors import NotFound
from projects.models import Deliverable, Membership, Project, Visibility
from projects.permissions import can_view_internal_items, can_view_project
from projects.selectors.core import deliverable_visible_to_client
from stakeholders.models import CommunicationItem, RaciAssignment, Stakeholder

if TYPE_CHECKING:
    from accounts.models import User


def is_client_only(user: User, project: Project) -> bool:
    """Whether `user` sees only the client-visible part of the project (not found if nothing)."""
    if not can_view_project(user, project):
        raise NotFound
    return not can_view_internal_items(user, project)


def stakeholder_list_for(*, user: User, project: Project) -> QuerySet[Stakeholder]:
    """The register: all of it for the provider side, the client-visible entries for clients."""
    stakeholders = Stakeholder.objects.filter(project=project).select_related("user")
    if is_client_only(user, project):
        stakeholders = stakeholders.filter(visibility=Visibility.CLIENT)
    return stakeholders


def stakeholder_grid(stakeholders: list[Stakeholder]) -> list[list[list[Stakeholder]]]:
    """Rows of influence 5 down to 1, columns of interest 1 to 5, each cell its stakeholders."""
    grid: list[list[list[Stakeholder]]] = [[[] for _ in range(5)] for _ in range(5)]
    for stakeholder in stakeholders:
        grid[5 - stakeholder.influence][stakeholder.interest - 1].append(stakeholder)
    return grid


def communication_plan_for(*, user: User, project: Project) -> QuerySet[CommunicationItem]:
    items = CommunicationItem.objects.filter(project=project).select_related("sender")
    recipients = Stakeholder.objects.order_by("name")
    if is_client_only(user, project):
        items = items.filter(visibility=Visibility.CLIENT)
        recipients = recipients.filter(visibility=Visibility.CLIENT)
    return items.prefetch_related(Prefetch("recipients", queryset=recipients))


def raci_list_for(*, user: User, project: Project) -> QuerySet[RaciAssignment]:
    """The cells of the RACI `user` may see. A client sees a cell only if they may see both its
    row (a work area, or a client-visible deliverable of a client-visible milestone) and its
    person (a client-visible stakeholder, or a member of the project); so the names of internal
    deliverables and stakeholders never reach them, nor count in the list."""
    assignments = RaciAssignment.objects.filter(project=project).select_related(
        "deliverable", "stakeholder", "user"
    )
    if is_client_only(user, project):
        client_deliverables = Deliverable.objects.filter(
            deliverable_visible_to_client(), project=project
        ).values("pk")
        assignments = assignments.filter(
            Q(deliverable__isnull=True) | Q(deliverable__in=client_deliverables),
            Q(stakeholder__isnull=True) | Q(stakeholder__visibility=Visibility.CLIENT),
            Q(user__isnull=True)
            | Q(user__in=Membership.objects.filter(project=project).values("user_id")),
        )
    return assignments


def raci_for(
    *, user: User, project: Project
) -> tuple[list[str], list[str], dict[tuple[str, str], str]]:
    """The RACI matrix as `user` may see it (raci_list_for): row labels, person labels and
    {(row, person): letter}."""
    rows: list[str] = []
    people: list[str] = []
    cells: dict[tuple[str, str], str] = {}
    for assignment in raci_list_for(user=user, project=project):
        row, person = assignment.row_label, assignment.person_label
        if row not in rows:
            rows.append(row)
        if person not in people:
            people.append(person)
        cells[(row, person)] = assignment.letter
    return rows, people, cells
