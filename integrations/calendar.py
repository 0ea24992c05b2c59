"""A person's calendar as iCalendar (RFC 5545): what they have to be ready for, across their
projects.

- the milestones' due dates and the deliverables' due dates;
- the acceptance deadlines of deliverables awaiting the client (the day they count as accepted);
- the meetings they attend or organised (an hour long: a meeting records only its start);
- the days the status report goes out (for the PM and AM, and for the client people whose role
  receives it), in the coming REPORT_DAYS_AHEAD days;
- their own open action items with a due date.

Everything comes through the same reads as the pages: a client person gets only client-visible
items of the projects they are a member of, and times are written in the person's time zone.
The feed (the secret address) and the .ics of a single item both use `calendar_for`.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from projects.models import (
    AcceptanceRound,
    Deliverable,
    Membership,
    Milestone,
    Role,
    Visibility,
)
from projects.permissions import can_view_internal_items
from projects.selectors.core import (
    deliverable_visible_to_client,
    milestone_visible_to_client,
    project_scope_for,
)
from projects.selectors.search import project_items_scope_for
from reports.models import ReportSchedule
from reports.schedule import next_run_after
from stakeholders.models import ActionItem, Meeting
from stakeholders.selectors.meetings import open_action_items_for

if TYPE_CHECKING:
    from accounts.models import User

# Items due further back than this are left out of the feed.
PAST_DAYS = 90
REPORT_DAYS_AHEAD = 92
MEETING_LENGTH = timedelta(hours=1)
SUMMARY_LENGTH = 80


class Kind:
    MILESTONE = "milestone"
    DELIVERABLE = "deliverable"
    ACCEPTANCE = "acceptance"
    MEETING = "meeting"
    REPORT = "report"
    ACTION_ITEM = "action-item"


@dataclass(frozen=True)
class CalendarEvent:
    kind: str
    uid: str
    summary: str
    start: date | datetime  # a date: an all-day event
    url: str
    description: str = ""
    location: str = ""


def _uid(kind: str, key: object) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "rapport"
    return f"{kind}-{key}@{host}"


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@dataclass(frozen=True)
class Scope:
    """What to read: the feed (`pk` None) reads the projects the person is a member of, items
    since `since`; a single item's download (`pk`) reads any project the person may open."""

    since: date | None = None
    pk: int | None = None

    @property
    def is_feed(self) -> bool:
        return self.pk is None


def _in_projects(
    queryset: QuerySet[Any], user: User, client_rule: Q, scope: Scope
) -> QuerySet[Any]:
    """The rows the user may see: of the projects they are a member of (not archived) for the
    feed, of any project they may open for a single item."""
    if scope.is_feed:
        members = Membership.objects.filter(user=user, project__is_archived=False)
        queryset = queryset.filter(project_id__in=members.values("project_id"))
    else:
        queryset = queryset.filter(pk=scope.pk)
    return project_items_scope_for(
        queryset, user=user, include_archived=not scope.is_feed, client_rule=client_rule
    )


def _titled(code: str, text: str) -> str:
    return f"{code} · {text}"


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(SUMMARY_LENGTH)


# --- One reader per kind: (user, since, only this id or None) -> events --------------------


def milestone_events(user: User, scope: Scope) -> list[CalendarEvent]:
    milestones = _in_projects(
        Milestone.objects.select_related("project"), user, milestone_visible_to_client(), scope
    )
    if scope.since:
        milestones = milestones.filter(due_date__gte=scope.since)
    events = []
    for milestone in milestones.order_by("due_date", "pk"):
        project = milestone.project
        internal = can_view_internal_items(user, project)
        events.append(
            CalendarEvent(
                kind=Kind.MILESTONE,
                uid=_uid(Kind.MILESTONE, milestone.pk),
                summary=_titled(project.code, _("Milestone: %(name)s") % {"name": milestone.name}),
                start=milestone.due_date,
                url=_absolute(
                    reverse("projects:plan", args=[project.pk])
                    if internal
                    else reverse("portal:project", args=[project.pk])
                ),
            )
        )
    return events


def _deliverable_url(user: User, deliverable: Deliverable) -> str:
    if can_view_internal_items(user, deliverable.project):
        return _absolute(
            reverse("projects:deliverable", args=[deliverable.project_id, deliverable.pk])
        )
    return _absolute(reverse("portal:deliverable", args=[deliverable.project_id, deliverable.pk]))


def deliverable_events(user: User, scope: Scope) -> list[CalendarEvent]:
    deliverables = _in_projects(
        Deliverable.objects.select_related("project"), user, deliverable_visible_to_client(), scope
    )
    if scope.since:
        deliverables = deliverables.filter(due_date__gte=scope.since)
    return [
        CalendarEvent(
            kind=Kind.DELIVERABLE,
            uid=_uid(Kind.DELIVERABLE, deliverable.pk),
            summary=_titled(
                deliverable.project.code,
                _("Deliverable due: %(name)s") % {"name": deliverable.name},
            ),
            start=deliverable.due_date,
            url=_deliverable_url(user, deliverable),
        )
        for deliverable in deliverables.order_by("due_date", "pk")
        if deliverable.due_date is not None
    ]


def acceptance_events(user: User, scope: Scope) -> list[CalendarEvent]:
    """The open acceptance round of each deliverable awaiting the client: its deemed-acceptance
    day, if the contract sets one. `scope.pk` is the deliverable's."""
    deliverables = _in_projects(
        Deliverable.objects.all(), user, deliverable_visible_to_client(), scope
    ).filter(status=Deliverable.Status.SUBMITTED)
    rounds = AcceptanceRound.objects.filter(
        deliverable__in=deliverables.values("pk"), decision="", deemed_acceptance_due__isnull=False
    )
    if scope.since:
        rounds = rounds.filter(deemed_acceptance_due__gte=scope.since)
    rounds = rounds.select_related("deliverable__project").order_by("deemed_acceptance_due", "pk")
    events = []
    for acceptance_round in rounds:
        deliverable = acceptance_round.deliverable
        assert acceptance_round.deemed_acceptance_due is not None  # noqa: S101  (filtered above)
        events.append(
            CalendarEvent(
                kind=Kind.ACCEPTANCE,
                uid=_uid(Kind.ACCEPTANCE, acceptance_round.pk),
                summary=_titled(
                    deliverable.project.code,
                    _("Acceptance deadline: %(name)s") % {"name": deliverable.name},
                ),
                start=acceptance_round.deemed_acceptance_due,
                description=_(
                    "Unless it is accepted or rejected before, it counts as accepted on this day."
                ),
                url=_deliverable_url(user, deliverable),
            )
        )
    return events


def meeting_events(user: User, scope: Scope) -> list[CalendarEvent]:
    """The feed has the meetings the person attends or organised; a single meeting's download,
    any meeting they may see."""
    meetings = _in_projects(
        Meeting.objects.select_related("project"), user, Q(visibility=Visibility.CLIENT), scope
    )
    if scope.is_feed:
        attending = Meeting.attendees.through.objects.filter(user=user).values("meeting_id")
        meetings = meetings.filter(Q(pk__in=attending) | Q(created_by=user))
    if scope.since:
        since = datetime.combine(scope.since, time(), tzinfo=UTC)
        meetings = meetings.filter(starts_at__gte=since)
    events = []
    for meeting in meetings.order_by("starts_at", "pk"):
        project = meeting.project
        name = (
            "stakeholders:meeting"
            if can_view_internal_items(user, project)
            else "stakeholders:portal_meeting"
        )
        events.append(
            CalendarEvent(
                kind=Kind.MEETING,
                uid=_uid(Kind.MEETING, meeting.pk),
                summary=_titled(project.code, meeting.title),
                start=meeting.starts_at,
                location=meeting.location,
                url=_absolute(reverse(name, args=[project.pk, meeting.pk])),
            )
        )
    return events


def report_events(user: User, scope: Scope) -> list[CalendarEvent]:
    """The coming report days. The feed has those of the projects whose report the person sends
    (PM, AM) or receives (a client role the schedule sends it to); a project's download
    (`scope.pk` is the project's id), those of any project the person may open."""
    schedules: QuerySet[ReportSchedule]
    if scope.is_feed:
        # The schedules of the person's active projects, each with their role in it.
        member_role = Membership.objects.filter(project=OuterRef("project"), user=user)
        schedules = ReportSchedule.objects.annotate(
            member_role=Subquery(member_role.values("role")[:1])
        ).filter(member_role__isnull=False, project__is_archived=False)
    else:
        schedules = ReportSchedule.objects.filter(
            project__in=project_scope_for(user=user, include_archived=True), project_id=scope.pk
        )
    schedules = schedules.filter(is_active=True).select_related("project__client")
    now = timezone.now()
    until = now + timedelta(days=REPORT_DAYS_AHEAD)
    name = "reports:project_reports" if user.is_provider_user else "reports:portal_reports"
    events = []
    for schedule in schedules.order_by("project__code"):
        project = schedule.project
        role = getattr(schedule, "member_role", None)
        if scope.is_feed and role not in (Role.PM, Role.AM, *schedule.recipient_roles):
            continue
        url = _absolute(reverse(name, args=[project.pk]))
        run = next_run_after(schedule, now, project.client.time_zone)
        while run <= until:
            events.append(
                CalendarEvent(
                    kind=Kind.REPORT,
                    uid=_uid(Kind.REPORT, f"{project.pk}-{run:%Y%m%d}"),
                    summary=_titled(project.code, _("Status report")),
                    start=run,
                    url=url,
                )
            )
            run = next_run_after(schedule, run, project.client.time_zone)
    return events


def action_item_events(user: User, scope: Scope) -> list[CalendarEvent]:
    """The person's own open action items with a due date."""
    items: QuerySet[ActionItem] = open_action_items_for(user=user).filter(due_date__isnull=False)
    if scope.pk is None:
        items = items.filter(meeting__project__is_archived=False)
    else:
        items = items.filter(pk=scope.pk)
    if scope.since:
        items = items.filter(due_date__gte=scope.since)
    todo = "stakeholders:todo" if user.is_provider_user else "stakeholders:portal_todo"
    events = []
    for item in items:
        assert item.due_date is not None  # noqa: S101  (filtered above)
        events.append(
            CalendarEvent(
                kind=Kind.ACTION_ITEM,
                uid=_uid(Kind.ACTION_ITEM, item.pk),
                summary=_titled(
                    item.meeting.project.code, _("Action: %(text)s") % {"text": _short(item.text)}
                ),
                start=item.due_date,
                description=item.text,
                url=_absolute(reverse(todo)),
            )
        )
    return events


READERS: dict[str, Callable[[User, Scope], list[CalendarEvent]]] = {
    Kind.MILESTONE: milestone_events,
    Kind.DELIVERABLE: deliverable_events,
    Kind.ACCEPTANCE: acceptance_events,
    Kind.MEETING: meeting_events,
    Kind.REPORT: report_events,
    Kind.ACTION_ITEM: action_item_events,
}


def feed_events_for(user: User) -> list[CalendarEvent]:
    """Everything of the person's feed, in their language."""
    scope = Scope(since=timezone.localdate() - timedelta(days=PAST_DAYS))
    with translation.override(user.language):
        return [event for reader in READERS.values() for event in reader(user, scope)]


def item_events_for(user: User, kinds: Iterable[str], pk: int) -> list[CalendarEvent]:
    """The events of one item (a deliverable has its due date and its acceptance deadline), in
    the person's language; empty if they may not see it."""
    scope = Scope(pk=pk)
    with translation.override(user.language):
        return [event for kind in kinds for event in READERS[kind](user, scope)]


def calendar_for(user: User, events: list[CalendarEvent], *, name: str) -> bytes:
    """The events as an iCalendar file in the person's time zone."""
    zone = zoneinfo.ZoneInfo(user.time_zone or "UTC")
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Rapport//Calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(zone))
    stamp = timezone.now()
    for event in events:
        item = icalendar.Event()
        item.add("uid", event.uid)
        item.add("dtstamp", stamp)
        item.add("summary", event.summary)
        if isinstance(event.start, datetime):
            item.add("dtstart", event.start.astimezone(zone))
            item.add("duration", MEETING_LENGTH if event.kind == Kind.MEETING else timedelta(0))
        else:
            item.add("dtstart", event.start)
            item.add("dtend", event.start + timedelta(days=1))
            item.add("transp", "TRANSPARENT")
        item.add("url", event.url)
        description = "\n\n".join(part for part in (event.description, event.url) if part)
        item.add("description", description)
        if event.location:
            item.add("location", event.location)
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()
