"""Writes of the portal: the last-visit record, the client response time, the decision
reminders and the "view as this client" log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.calendars import calendar_for_organization_id, calendar_years
from common.errors import InvalidInput, NotAllowed
from common.workdays import WorkCalendar
from notifications.models import NotificationKind
from notifications.services.notifications import notify
from portal.decisions import WaitingItem, waiting_items_for
from portal.models import (
    DEFAULT_CLIENT_RESPONSE_DAYS,
    ClientResponseTime,
    DecisionReminder,
    ProjectVisit,
    ViewAsSession,
)
from portal.permissions import can_view_as_person, can_view_portal_as_client
from projects.calendar import add_business_days
from projects.models import CLIENT_ROLES, Membership, Project

if TYPE_CHECKING:
    from accounts.models import User

MAX_CLIENT_RESPONSE_DAYS = 60


def project_visit_record(
    *, user: User, project: Project, now: datetime | None = None
) -> datetime | None:
    """Remember that `user` opened the project's portal page now; return their previous visit
    (None on the first), from which "what happened since your last visit" is measured."""
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        return _visit_upsert_returning_previous(user.pk, project.pk, now)
    previous = (
        ProjectVisit.objects.filter(user=user, project=project)
        .values_list("visited_at", flat=True)
        .first()
    )
    # One INSERT ... ON CONFLICT DO UPDATE: the same two queries on every visit.
    ProjectVisit.objects.bulk_create(
        [ProjectVisit(user=user, project=project, visited_at=now)],
        update_conflicts=True,
        unique_fields=["user", "project"],
        update_fields=["visited_at"],
    )
    return previous


_VISIT_UPSERT = (
    "INSERT INTO portal_projectvisit (user_id, project_id, visited_at) VALUES (%s, %s, %s) "
    "ON CONFLICT (user_id, project_id) DO UPDATE SET visited_at = EXCLUDED.visited_at "
    "RETURNING (SELECT previous.visited_at FROM portal_projectvisit previous "
    "WHERE previous.user_id = %s AND previous.project_id = %s)"
)


def _visit_upsert_returning_previous(
    user_id: int, project_id: int, now: datetime
) -> datetime | None:
    """PostgreSQL: the visit's upsert and the visit before it in one statement. A subquery of
    RETURNING reads the table as the statement found it, before its own change."""
    with connection.cursor() as cursor:
        cursor.execute(_VISIT_UPSERT, [user_id, project_id, now, user_id, project_id])
        row = cursor.fetchone()
    return row[0] if row else None


def client_response_days_set(*, actor: User, project: Project, days: int) -> ClientResponseTime:
    """The PM sets how many business days the client has to answer before a reminder."""
    from projects.permissions import can_edit_plan

    if not can_edit_plan(actor, project):
        raise NotAllowed()
    if not 1 <= days <= MAX_CLIENT_RESPONSE_DAYS:
        raise InvalidInput(
            _("The response time is between 1 and %(max)s business days.")
            % {"max": MAX_CLIENT_RESPONSE_DAYS},
            field="client_response_days",
        )
    setting, _created = ClientResponseTime.objects.update_or_create(
        project=project, defaults={"client_response_days": days}
    )
    return setting


def client_response_days_for(project_ids: list[int]) -> dict[int, int]:
    """Each project's response time in business days (the default where none is set)."""
    configured = dict(
        ClientResponseTime.objects.filter(project_id__in=project_ids).values_list(
            "project_id", "client_response_days"
        )
    )
    return {pk: configured.get(pk, DEFAULT_CLIENT_RESPONSE_DAYS) for pk in project_ids}


def reply_by(
    item: WaitingItem,
    response_days: int,
    calendars: dict[tuple[int | None, int], WorkCalendar] | None = None,
) -> date:
    """The day by which the client is asked to answer: `response_days` business days of the
    client organisation's calendar after the item started waiting (in the server's time zone;
    reminders run once a day). `calendars` keeps the calendars a list of items has looked up,
    so that each client's is looked up once however many items it has."""
    since = timezone.localdate(item.since)
    key = (item.project.client_id, calendar_years(since).start)
    calendar = calendars.get(key) if calendars is not None else None
    if calendar is None:
        calendar = calendar_for_organization_id(item.project.client_id, around=since)
        if calendars is not None:
            calendars[key] = calendar
    return add_business_days(since, response_days, calendar)


def with_answer_by(
    items: Sequence[WaitingItem], *, projects: Sequence[Project] = ()
) -> list[WaitingItem]:
    """The items with the day the team asks for an answer (one query for the projects'
    response times; each client's calendar looked up once). A page that has read the items'
    projects with their response times (portal.selectors.with_client_response_days) passes
    them, and the response times are not read again."""
    wanted = sorted({item.project.pk for item in items})
    known = {
        project.pk: project.client_response_days or DEFAULT_CLIENT_RESPONSE_DAYS
        for project in projects
        if hasattr(project, "client_response_days")
    }
    days = known if all(pk in known for pk in wanted) else client_response_days_for(wanted)
    calendars: dict[tuple[int | None, int], WorkCalendar] = {}
    return [
        replace(item, answer_by=reply_by(item, days[item.project.pk], calendars)) for item in items
    ]


def _remind(person: User, item: WaitingItem, late_since: date) -> bool:
    key = f"decision-reminder:{item.key}:{person.pk}"
    try:
        with transaction.atomic():
            DecisionReminder.objects.create(user=person, dedupe_key=key)
    except IntegrityError:
        return False  # reminded already (or a concurrent run is doing it)
    with translation.override(person.language):
        title = _("Waiting for your answer: %(item)s") % {"item": item.title}
        notify(
            user=person,
            kind=NotificationKind.REMINDER,
            outbox_kind="decision_reminder",
            title=title,
            url=item.url,
            email_template="portal/email/decision_reminder",
            context={
                "item_title": item.title,
                "project_name": item.project.name,
                "since": date_format(timezone.localdate(item.since), "DATE_FORMAT"),
                "reply_by": date_format(late_since, "DATE_FORMAT"),
                "path": item.url,
            },
            dedupe_key=key,
        )
    return True


@transaction.atomic
def decision_reminders_send_for(*, person: User, today: date | None = None) -> int:
    """E-mail `person` once about each item that has waited longer than its project's client
    response time. Returns how many reminders were newly sent. Safe to run twice."""
    today = today or timezone.localdate()
    with translation.override(person.language):
        items = waiting_items_for(user=person)
    days = client_response_days_for(sorted({item.project.pk for item in items}))
    calendars: dict[tuple[int | None, int], WorkCalendar] = {}
    sent = 0
    for item in items:
        if item.project.is_closed and item.kind != "survey":
            continue  # nothing can be decided on a closed project; its final survey still can
        due = reply_by(item, days[item.project.pk], calendars)
        if due < today:
            sent += _remind(person, item, due)
    return sent


def decision_reminder_candidates() -> list[int]:
    """Active client people with a membership in a project that is not archived."""
    return list(
        Membership.objects.filter(
            role__in=CLIENT_ROLES, user__is_active=True, project__is_archived=False
        )
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )


# --- View as this client ----------------------------------------------------------------------


def view_as_start(*, actor: User, project: Project, person: User) -> ViewAsSession:
    """Log that the PM or AM `actor` opens the portal as `person`, a client member of
    `project`. The caller keeps the returned session's id in the actor's web session."""
    if not can_view_portal_as_client(actor, project):
        raise NotAllowed()
    if not can_view_as_person(actor, project, person):
        raise InvalidInput(_("Choose an active client member of this project."), field="person")
    return ViewAsSession.objects.create(viewer=actor, viewed=person, project=project)


def view_as_stop(*, session_id: int, now: datetime | None = None) -> None:
    ViewAsSession.objects.filter(pk=session_id, ended_at__isnull=True).update(
        ended_at=now or timezone.now()
    )
