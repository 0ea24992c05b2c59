"""Writes of meetings: schedule, edit, minutes, the decisions taken and the action items given
(with their owner's notification). Each service authorises its actor through
stakeholders.permissions and raises common.errors."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from common.revisions import lock_and_check
from notifications.services.notifications import notification_create
from projects.models import CLIENT_ROLES, Membership, Project, Visibility
from projects.permissions import can_view_project
from stakeholders.models import ActionItem, Meeting, MeetingDecision, Side, Stakeholder
from stakeholders.permissions import can_complete_action_item, can_manage_meetings
from stakeholders.services.register import require_allowed, require_member

if TYPE_CHECKING:
    from collections.abc import Iterable

    from accounts.models import User


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    project: Project,
    title: str,
    starts_at: datetime,
    location: str = "",
    agenda: str = "",
    minutes: str = "",
    minutes_visibility: str = Visibility.INTERNAL,
    attendees: Iterable[User] = (),
    stakeholder_attendees: Iterable[Stakeholder] = (),
    visibility: str = Visibility.INTERNAL,
) -> Meeting:
    """The PM or a team member schedules a meeting: internal (the team's own) unless said
    otherwise, its minutes internal unless said otherwise. The minutes of an internal meeting
    cannot be shared with the client."""
    require_allowed(can_manage_meetings(actor, project), actor, project)
    if not title.strip():
        raise InvalidInput(_("Give a title."), field="title")
    if timezone.is_naive(starts_at):
        raise InvalidInput(_("Give the time with its time zone."), field="starts_at")
    _check_visibility(visibility, minutes_visibility)
    attendees, stakeholder_attendees = _check_attendees(project, attendees, stakeholder_attendees)
    meeting = Meeting.objects.create(
        project=project,
        title=title.strip(),
        visibility=visibility,
        starts_at=starts_at,
        location=location,
        agenda=agenda,
        minutes=minutes,
        minutes_visibility=minutes_visibility,
        created_by=actor,
    )
    meeting.attendees.set(attendees)
    meeting.stakeholder_attendees.set(stakeholder_attendees)
    return meeting


def _check_visibility(visibility: str, minutes_visibility: str) -> None:
    if visibility not in Visibility.values:
        raise InvalidInput(_("Unknown visibility."), field="visibility")
    if minutes_visibility not in Visibility.values:
        raise InvalidInput(_("Unknown visibility."), field="minutes_visibility")
    if visibility == Visibility.INTERNAL and minutes_visibility == Visibility.CLIENT:
        raise InvalidInput(
            _(
                "This meeting is internal: make it visible to the client before sharing its "
                "minutes."
            ),
            field="minutes_visibility",
        )


def _is_client_person(project: Project, user: User) -> bool:
    return Membership.objects.filter(project=project, user=user, role__in=CLIENT_ROLES).exists()


def _check_attendees(
    project: Project, attendees: Iterable[User], stakeholder_attendees: Iterable[Stakeholder]
) -> tuple[list[User], list[Stakeholder]]:
    attendees = list(attendees)
    member_ids = set(
        Membership.objects.filter(project=project, user__in=attendees).values_list(
            "user_id", flat=True
        )
    )
    if any(person.pk not in member_ids for person in attendees):
        raise InvalidInput(_("An attendee is not a member of the project."), field="attendees")
    stakeholder_attendees = list(stakeholder_attendees)
    if any(s.project_id != project.pk for s in stakeholder_attendees):
        raise InvalidInput(
            _("A stakeholder is not in this register."), field="stakeholder_attendees"
        )
    return attendees, stakeholder_attendees


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    starts_at: datetime,
    location: str = "",
    agenda: str = "",
    attendees: Iterable[User] = (),
    stakeholder_attendees: Iterable[Stakeholder] = (),
    visibility: str | None = None,
    revision: int | None = None,
) -> Meeting:
    """The PM or a team member reschedules a meeting or changes its agenda, attendees and
    visibility (None keeps it). Made internal, its minutes stop being shared; refused while a
    client person holds an open action item of it (they could no longer see what they owe).
    With `revision`, EditConflict if someone saved the meeting since that revision."""
    project = meeting.project
    require_allowed(can_manage_meetings(actor, project), actor, project)
    if not title.strip():
        raise InvalidInput(_("Give a title."), field="title")
    if timezone.is_naive(starts_at):
        raise InvalidInput(_("Give the time with its time zone."), field="starts_at")
    if visibility is not None and visibility not in Visibility.values:
        raise InvalidInput(_("Unknown visibility."), field="visibility")
    attendees, stakeholder_attendees = _check_attendees(project, attendees, stakeholder_attendees)
    meeting = lock_and_check(meeting, revision)
    fields = ["title", "starts_at", "location", "agenda"]
    if visibility is not None and visibility != meeting.visibility:
        if visibility == Visibility.INTERNAL and (
            ActionItem.objects.filter(
                meeting=meeting,
                is_done=False,
                owner__memberships__project=project,
                owner__memberships__role__in=CLIENT_ROLES,
            ).exists()
        ):
            raise InvalidTransition(
                _(
                    "The client has open action items from this meeting: it stays visible to "
                    "the client until they are done."
                )
            )
        meeting.visibility = visibility
        fields.append("visibility")
        if visibility == Visibility.INTERNAL:
            meeting.minutes_visibility = Visibility.INTERNAL
            fields.append("minutes_visibility")
    meeting.title = title.strip()
    meeting.starts_at = starts_at
    meeting.location = location
    meeting.agenda = agenda
    meeting.save(update_fields=fields)
    meeting.attendees.set(attendees)
    meeting.stakeholder_attendees.set(stakeholder_attendees)
    return meeting


@transaction.atomic
def meeting_update_minutes(
    *,
    actor: User,
    meeting: Meeting,
    minutes: str,
    minutes_visibility: str,
    revision: int | None = None,
) -> Meeting:
    """The minutes and who may read them; an internal meeting's minutes stay internal. With
    `revision`, EditConflict if someone saved the meeting since that revision."""
    require_allowed(can_manage_meetings(actor, meeting.project), actor, meeting.project)
    meeting = lock_and_check(meeting, revision)
    _check_visibility(meeting.visibility, minutes_visibility)
    meeting.minutes = minutes
    meeting.minutes_visibility = minutes_visibility
    meeting.save(update_fields=["minutes", "minutes_visibility"])
    return meeting


def meeting_decision_record(
    *, actor: User, meeting: Meeting, text: str, decided_by: str = Side.JOINT
) -> MeetingDecision:
    """Record what the meeting decided; it enters the decision log."""
    require_allowed(can_manage_meetings(actor, meeting.project), actor, meeting.project)
    if not text.strip():
        raise InvalidInput(_("Say what was decided."), field="text")
    if decided_by not in Side.values:
        raise InvalidInput(field="decided_by")
    return MeetingDecision.objects.create(
        meeting=meeting, text=text.strip(), decided_by=decided_by, recorded_by=actor
    )


@transaction.atomic
def action_item_create(
    *, actor: User, meeting: Meeting, text: str, owner: User, due_date: date | None = None
) -> ActionItem:
    """Give a member (either side) something to do after the meeting; the owner is notified
    in the app (in their language), with a link to their to-do page. A client person gets an
    action only from a client-visible meeting."""
    require_allowed(can_manage_meetings(actor, meeting.project), actor, meeting.project)
    if not text.strip():
        raise InvalidInput(_("Say what is to be done."), field="text")
    require_member(meeting.project, owner, "owner")
    # Locked, so that the meeting cannot be made internal while the client's action is added.
    locked = Meeting.objects.select_for_update().only("visibility").get(pk=meeting.pk)
    if not locked.is_client_visible and _is_client_person(meeting.project, owner):
        raise InvalidInput(
            _(
                "This meeting is internal: make it visible to the client before giving a "
                "client person an action."
            ),
            field="owner",
        )
    item = ActionItem.objects.create(
        meeting=meeting, text=text.strip(), owner=owner, due_date=due_date
    )
    if owner.pk != actor.pk:
        todo = "stakeholders:portal_todo" if owner.is_client_user else "stakeholders:todo"
        with translation.override(owner.language):
            title = _("New action item from %(meeting)s: %(text)s") % {
                "meeting": meeting.title,
                "text": item.text[:80],
            }
        notification_create(user=owner, title=title, url=reverse(todo))
    return item


def action_item_set_done(*, actor: User, item: ActionItem, is_done: bool) -> ActionItem:
    """The owner (or the project's PM and team) ticks an item done, or reopens it."""
    if not can_view_project(actor, item.meeting.project):
        raise NotFound
    if not can_complete_action_item(actor, item):
        raise NotAllowed
    if item.is_done != is_done:
        item.is_done = is_done
        item.done_at = timezone.now() if is_done else None
        item.save(update_fields=["is_done", "done_at"])
    return item
