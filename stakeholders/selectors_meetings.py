"""Reads of the register, the plan, the RACI, meetings and action items: scoped to what the
user may see, owning their select_related / prefetch_related."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Case, F, Prefetch, Q, QuerySet, TextField, Value, When

from common.errors import NotFound
from projects.models import Deliverable, Membership, Project, Visibility
from projects.permissions import can_view_internal_items, can_view_project
from projects.selectors.core import (
    deliverable_visible_to_client,
    internal_project_ids_for,
    project_scope_for,
)
from stakeholders.models import (
    ActionItem,
    CommunicationItem,
    Meeting,
    MeetingDecision,
    RaciAssignment,
    Stakeholder,
)

if TYPE_CHECKING:
    from accounts.models import User


def _client_only(user: User, project: Project) -> bool:
    if not can_view_project(user, project):
        raise NotFound
    return not can_view_internal_items(user, project)


def stakeholder_list_for(*, user: User, project: Project) -> QuerySet[Stakeholder]:
    """The register: all of it for the provider side, the client-visible entries for clients."""
    stakeholders = Stakeholder.objects.filter(project=project).select_related("user")
    if _client_only(user, project):
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
    if _client_only(user, project):
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
    if _client_only(user, project):
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


def raci_for(*, user: User, project: Project) -> tuple[list[str], list[str], dict]:
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


def _visible_minutes(client_only: bool) -> Case | F:
    if not client_only:
        return F("minutes")
    return Case(
        When(minutes_visibility=Visibility.CLIENT, then=F("minutes")),
        default=Value(""),
        output_field=TextField(),
    )


def meeting_list_for(*, user: User, project: Project) -> QuerySet[Meeting]:
    """The project's meetings `user` may see, latest first: a client sees only client-visible
    meetings and, in them, only the attendees they may see (members of the project and
    client-visible stakeholders). `visible_minutes` is what the user may read of the minutes
    (empty for a client when they are internal); `minutes` itself is deferred for clients, and
    decisions and action items are prefetched only where the minutes are visible."""
    client_only = _client_only(user, project)
    meetings = Meeting.objects.filter(project=project).annotate(
        visible_minutes=_visible_minutes(client_only)
    )
    decisions = MeetingDecision.objects.all()
    items = ActionItem.objects.select_related("owner")
    attendees = get_user_model().objects.order_by("display_name", "email")
    stakeholders = Stakeholder.objects.order_by("name")
    if client_only:
        meetings = meetings.filter(visibility=Visibility.CLIENT).defer("minutes")
        decisions = decisions.filter(meeting__minutes_visibility=Visibility.CLIENT)
        items = items.filter(meeting__minutes_visibility=Visibility.CLIENT)
        attendees = attendees.filter(
            pk__in=Membership.objects.filter(project=project).values("user_id")
        )
        stakeholders = stakeholders.filter(visibility=Visibility.CLIENT)
    return meetings.prefetch_related(
        Prefetch("attendees", queryset=attendees),
        Prefetch("stakeholder_attendees", queryset=stakeholders),
        Prefetch("decisions", queryset=decisions),
        Prefetch("action_items", queryset=items),
    )


def meeting_get_for(*, user: User, project: Project, meeting_id: int) -> Meeting:
    meeting = meeting_list_for(user=user, project=project).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound
    return meeting


def _action_item_scope_for(user: User) -> QuerySet[ActionItem]:
    """Action items of the projects `user` may open; where they are on the client side, only
    those of client-visible meetings."""
    items = ActionItem.objects.filter(meeting__project__in=project_scope_for(user=user))
    internal = internal_project_ids_for(user=user)
    if internal is not None:
        items = items.filter(
            Q(meeting__project__in=internal) | Q(meeting__visibility=Visibility.CLIENT)
        )
    return items


def action_item_get_for(*, user: User, item_id: int) -> ActionItem:
    """An action item the user may see (NotFound alike otherwise)."""
    item = (
        _action_item_scope_for(user)
        .select_related("meeting__project", "owner")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound
    return item


def open_action_items_for(*, user: User) -> QuerySet[ActionItem]:
    """The user's own open action items that they may see (across their projects), earliest
    due first."""
    return (
        _action_item_scope_for(user)
        .filter(owner=user, is_done=False)
        .select_related("meeting__project")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def overdue_action_item_filter(today: date) -> Q:
    return Q(is_done=False, due_date__lt=today)


def meeting_search_scope_for(*, user: User, include_archived: bool = False) -> QuerySet[Meeting]:
    """Meetings for search. A client finds only client-visible meetings whose minutes they may
    read, so internal meetings and internal minutes are never matched."""
    from projects.selectors.search import _scoped

    return _scoped(
        Meeting.objects.select_related("project"),
        user=user,
        include_archived=include_archived,
        client_rule=Q(visibility=Visibility.CLIENT, minutes_visibility=Visibility.CLIENT),
    )
