"""Reads of the register, the plan, the RACI, meetings and action items: scoped to what the
user may see, owning their select_related / prefetch_related."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Case, F, Prefetch, Q, QuerySet, TextField, Value, When

from config.errors import NotFound
from projects.models import Project, Visibility
from projects.permissions import can_view_internal_items, can_view_project
from projects.selectors.core import project_scope_for
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


def raci_for(*, user: User, project: Project) -> tuple[list[str], list[str], dict]:
    """The RACI matrix (client visible): row labels, person labels and {(row, person): letter}."""
    _client_only(user, project)
    assignments = RaciAssignment.objects.filter(project=project).select_related(
        "deliverable", "stakeholder", "user"
    )
    rows: list[str] = []
    people: list[str] = []
    cells: dict[tuple[str, str], str] = {}
    for assignment in assignments:
        row, person = assignment.row_label, assignment.person_label
        if row not in rows:
            rows.append(row)
        if person not in people:
            people.append(person)
        cells[(row, person)] = assignment.letter
    return rows, people, cells


def raci_list_for(*, user: User, project: Project) -> QuerySet[RaciAssignment]:
    _client_only(user, project)
    return RaciAssignment.objects.filter(project=project).select_related(
        "deliverable", "stakeholder", "user"
    )


def _visible_minutes(client_only: bool) -> Case | F:
    if not client_only:
        return F("minutes")
    return Case(
        When(minutes_visibility=Visibility.CLIENT, then=F("minutes")),
        default=Value(""),
        output_field=TextField(),
    )


def meeting_list_for(*, user: User, project: Project) -> QuerySet[Meeting]:
    """The project's meetings, latest first. `visible_minutes` is what the user may read of the
    minutes (empty for a client when they are internal); `minutes` itself is deferred for
    clients, and decisions and action items are prefetched only where the minutes are visible."""
    client_only = _client_only(user, project)
    meetings = Meeting.objects.filter(project=project).annotate(
        visible_minutes=_visible_minutes(client_only)
    )
    decisions = MeetingDecision.objects.all()
    items = ActionItem.objects.select_related("owner")
    if client_only:
        meetings = meetings.defer("minutes")
        decisions = decisions.filter(meeting__minutes_visibility=Visibility.CLIENT)
        items = items.filter(meeting__minutes_visibility=Visibility.CLIENT)
    return meetings.prefetch_related(
        "attendees",
        "stakeholder_attendees",
        Prefetch("decisions", queryset=decisions),
        Prefetch("action_items", queryset=items),
    )


def meeting_get_for(*, user: User, project: Project, meeting_id: int) -> Meeting:
    meeting = meeting_list_for(user=user, project=project).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound
    return meeting


def action_item_get_for(*, user: User, item_id: int) -> ActionItem:
    """An action item of a project the user may open (NotFound alike otherwise)."""
    item = (
        ActionItem.objects.select_related("meeting__project", "owner")
        .filter(pk=item_id, meeting__project__in=project_scope_for(user=user))
        .first()
    )
    if item is None:
        raise NotFound
    return item


def open_action_items_for(*, user: User) -> QuerySet[ActionItem]:
    """The user's own open action items across the projects they may open, earliest due first."""
    return (
        ActionItem.objects.filter(
            owner=user, is_done=False, meeting__project__in=project_scope_for(user=user)
        )
        .select_related("meeting__project")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def overdue_action_item_filter(today: date) -> Q:
    return Q(is_done=False, due_date__lt=today)


def meeting_search_scope_for(*, user: User, include_archived: bool = False) -> QuerySet[Meeting]:
    """Meetings for search. A client finds only meetings whose minutes they may read, so
    internal minutes are never matched (nor the meeting through them)."""
    from projects.selectors.search import _scoped

    return _scoped(
        Meeting.objects.select_related("project"),
        user=user,
        include_archived=include_archived,
        client_rule=Q(minutes_visibility=Visibility.CLIENT),
    )
