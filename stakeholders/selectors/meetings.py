"""Reads of meetings and action items: scoped to what the user may see, owning their
select_related / prefetch_related."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from common.errors import NotFound
from projects.models import Membership, Project, Visibility
from projects.selectors.core import internal_project_ids_for, project_scope_for
from stakeholders.models import ActionItem, Meeting, MeetingDecision, Stakeholder
from stakeholders.selectors.register import is_client_only

if TYPE_CHECKING:
    from accounts.models import User


def _visible_minutes(client_only: bool) -> Case | F:
    if not client_only:
        return F("minutes")
    return Case(
        When(minutes_visibility=Visibility.CLIENT, then=F("minutes")),
        default=Value(""),
        output_field=TextField(),
    )


def _decisions_and_items(client_only: bool) -> tuple[Prefetch[Any], Prefetch[Any]]:
    decisions = MeetingDecision.objects.all()
    items = ActionItem.objects.select_related("owner")
    if client_only:
        decisions = decisions.filter(meeting__minutes_visibility=Visibility.CLIENT)
        items = items.filter(meeting__minutes_visibility=Visibility.CLIENT)
    return Prefetch("decisions", queryset=decisions), Prefetch("action_items", queryset=items)


def meeting_list_for(
    *, user: User, project: Project, with_people: bool = True
) -> QuerySet[Meeting]:
    """The project's meetings `user` may see, latest first: a client sees only client-visible
    meetings and, in them, only the attendees they may see (members of the project and
    client-visible stakeholders). `visible_minutes` is what the user may read of the minutes
    (empty for a client when they are internal); `minutes` itself is deferred for clients, and
    decisions and action items are prefetched only where the minutes are visible. With
    with_people=False neither attendees nor stakeholder attendees are prefetched."""
    client_only = is_client_only(user, project)
    meetings = Meeting.objects.filter(project=project).annotate(
        visible_minutes=_visible_minutes(client_only)
    )
    attendees = get_user_model().objects.order_by("display_name", "email")
    stakeholders = Stakeholder.objects.order_by("name")
    if client_only:
        meetings = meetings.filter(visibility=Visibility.CLIENT).defer("minutes")
        attendees = attendees.filter(
            pk__in=Membership.objects.filter(project=project).values("user_id")
        )
        stakeholders = stakeholders.filter(visibility=Visibility.CLIENT)
    meetings = meetings.prefetch_related(*_decisions_and_items(client_only))
    if not with_people:
        return meetings
    return meetings.prefetch_related(
        Prefetch("attendees", queryset=attendees),
        Prefetch("stakeholder_attendees", queryset=stakeholders),
    )


def meeting_rows_for(*, user: User, project: Project) -> QuerySet[Meeting]:
    """The meetings of meeting_list_for for a list, in one query: each with `decision_count`
    and `action_item_count`, those `user` may see (none where a client may not read the
    minutes). Neither minutes nor attendees are read."""
    client_only = is_client_only(user, project)
    meetings = Meeting.objects.filter(project=project).defer("minutes", "agenda")
    shown = Q()
    if client_only:
        meetings = meetings.filter(visibility=Visibility.CLIENT)
        shown = Q(minutes_visibility=Visibility.CLIENT)
    return meetings.annotate(
        decision_count=Count("decisions", filter=shown, distinct=True),
        action_item_count=Count("action_items", filter=shown, distinct=True),
    )


def meeting_get_for(
    *, user: User, project: Project, meeting_id: int, with_people: bool = True
) -> Meeting:
    """One meeting of meeting_list_for; with_people=False leaves its attendees and stakeholder
    attendees unread (meeting_people_for reads them with the project's people)."""
    meetings = meeting_list_for(user=user, project=project, with_people=with_people)
    meeting = meetings.filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound
    return meeting


def _keep(instance: Meeting, name: str, rows: list[Any]) -> None:
    """Keep `rows` as what instance.<name>.all() gives, as prefetch_related would."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def meeting_people_for(
    *, project: Project, meeting: Meeting
) -> tuple[list[Any], list[Stakeholder]]:
    """The project's members (stakeholders.views.register.project_members) and its stakeholders
    as the provider side may choose them, in two queries that also fill meeting.attendees and
    meeting.stakeholder_attendees as the provider side sees them (meeting_get_for with
    with_people=False): each person or stakeholder is read once, attendee or choice or both."""
    attending_people = Meeting.attendees.through.objects.filter(meeting=meeting)
    members = Membership.objects.filter(project=project)
    people = list(
        get_user_model()
        .objects.filter(
            Q(pk__in=members.values("user_id")) | Q(pk__in=attending_people.values("user_id"))
        )
        .annotate(
            is_member=Exists(members.filter(user=OuterRef("pk"))),
            attends=Exists(attending_people.filter(user=OuterRef("pk"))),
        )
        .order_by("display_name", "email")
    )
    attending = Meeting.stakeholder_attendees.through.objects.filter(meeting=meeting)
    stakeholders = list(
        Stakeholder.objects.filter(
            Q(project=project) | Q(pk__in=attending.values("stakeholder_id"))
        )
        .annotate(attends=Exists(attending.filter(stakeholder=OuterRef("pk"))))
        .select_related("user")
        .order_by("name", "id")
    )
    _keep(meeting, "attendees", [person for person in people if person.attends])
    _keep(meeting, "stakeholder_attendees", [s for s in stakeholders if s.attends])
    return (
        [person for person in people if person.is_member],
        [s for s in stakeholders if s.project_id == project.pk],
    )


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
    from projects.selectors.search import project_items_scope_for

    return project_items_scope_for(
        Meeting.objects.select_related("project"),
        user=user,
        include_archived=include_archived,
        client_rule=Q(visibility=Visibility.CLIENT, minutes_visibility=Visibility.CLIENT),
    )


def portfolio_columns(projects: QuerySet[Project], *, today: date) -> QuerySet[Project]:
    """The portfolio's action-item column (projects.selectors.portfolio): open action items past
    their due date, from the project's meetings (one subquery)."""
    counted = (
        ActionItem.objects.filter(
            meeting__project=OuterRef("pk"), is_done=False, due_date__lt=today
        )
        .order_by()
        .values("meeting__project")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return projects.annotate(
        overdue_action_item_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
    )
