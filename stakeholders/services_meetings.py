"""Writes of the register, the communication plan, the RACI and the meetings. Each service
authorises its actor through stakeholders.permissions_meetings and raises common.errors."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from notifications.services import notification_create
from projects.models import CLIENT_ROLES, Deliverable, Membership, Project, Visibility
from projects.permissions import can_view_project
from stakeholders.models import (
    ActionItem,
    Attitude,
    CommunicationItem,
    Meeting,
    MeetingDecision,
    RaciAssignment,
    RaciLetter,
    Side,
    Stakeholder,
)
from stakeholders.permissions_meetings import (
    can_complete_action_item,
    can_edit_register,
    can_manage_meetings,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from accounts.models import User


def _require(allowed: bool, user: User, project: Project) -> None:
    if not can_view_project(user, project):
        raise NotFound
    if not allowed:
        raise NotAllowed


def _require_member(project: Project, user: User | None, field: str) -> None:
    if user is not None and not Membership.objects.filter(project=project, user=user).exists():
        raise InvalidInput(_("This person is not a member of the project."), field=field)


def _score(value: int, field: str) -> int:
    if not 1 <= value <= 5:
        raise InvalidInput(_("Give a score from 1 to 5."), field=field)
    return value


def stakeholder_create(
    *,
    actor: User,
    project: Project,
    name: str,
    organisation: str = "",
    role: str = "",
    contact: str = "",
    influence: int = 3,
    interest: int = 3,
    attitude: str = Attitude.NEUTRAL,
    engagement_strategy: str = "",
    user: User | None = None,
    visibility: str = Visibility.INTERNAL,
) -> Stakeholder:
    """The PM adds someone to the register (internal unless said otherwise)."""
    _require(can_edit_register(actor, project), actor, project)
    if not name.strip():
        raise InvalidInput(_("Give a name."), field="name")
    _require_member(project, user, "user")
    return Stakeholder.objects.create(
        project=project,
        name=name.strip(),
        organisation=organisation,
        role=role,
        contact=contact,
        influence=_score(influence, "influence"),
        interest=_score(interest, "interest"),
        attitude=attitude,
        engagement_strategy=engagement_strategy,
        user=user,
        visibility=visibility,
    )


def stakeholder_update(*, actor: User, stakeholder: Stakeholder, **fields: object) -> Stakeholder:
    """The PM changes an entry of the register; only the named fields change."""
    _require(can_edit_register(actor, stakeholder.project), actor, stakeholder.project)
    editable = {
        "name",
        "organisation",
        "role",
        "contact",
        "influence",
        "interest",
        "attitude",
        "engagement_strategy",
        "visibility",
    }
    for name, value in fields.items():
        if name not in editable:
            raise InvalidInput(_("This field cannot be changed."), field=name)
        if name in {"influence", "interest"}:
            _score(int(value), name)  # type: ignore[call-overload]
        setattr(stakeholder, name, value)
    stakeholder.save()
    return stakeholder


@transaction.atomic
def stakeholder_delete(*, actor: User, stakeholder: Stakeholder) -> None:
    """The PM removes someone from the register, with their RACI letters and their place among
    the communication plan's recipients. Refused while they hold the A of a row that has other
    letters: the row would be left without anyone accountable."""
    project = stakeholder.project
    _require(can_edit_register(actor, project), actor, project)
    for held in RaciAssignment.objects.filter(
        stakeholder=stakeholder, letter=RaciLetter.ACCOUNTABLE
    ):
        others = RaciAssignment.objects.filter(
            project=project, work_area=held.work_area, deliverable=held.deliverable
        ).exclude(stakeholder=stakeholder)
        if others.exists():
            raise InvalidInput(
                _("%(name)s is accountable for %(row)s: give the A to someone else first.")
                % {"name": stakeholder.name, "row": held.row_label},
                field="stakeholder",
            )
    RaciAssignment.objects.filter(stakeholder=stakeholder).delete()
    stakeholder.delete()


@transaction.atomic
def communication_item_create(
    *,
    actor: User,
    project: Project,
    what: str,
    recipients: Iterable[Stakeholder] = (),
    sender: User | None = None,
    channel: str = "",
    frequency: str = "",
    visibility: str = Visibility.CLIENT,
) -> CommunicationItem:
    """The PM adds a line to the communication plan."""
    _require(can_edit_register(actor, project), actor, project)
    if not what.strip():
        raise InvalidInput(_("Say what is communicated."), field="what")
    _require_member(project, sender, "sender")
    recipients = list(recipients)
    if any(stakeholder.project_id != project.pk for stakeholder in recipients):
        raise InvalidInput(_("A recipient is not in this project's register."), field="recipients")
    item = CommunicationItem.objects.create(
        project=project,
        what=what.strip(),
        sender=sender,
        channel=channel,
        frequency=frequency,
        visibility=visibility,
    )
    item.recipients.set(recipients)
    return item


@transaction.atomic
def communication_item_update(
    *,
    actor: User,
    item: CommunicationItem,
    what: str,
    recipients: Iterable[Stakeholder] = (),
    sender: User | None = None,
    channel: str = "",
    frequency: str = "",
    visibility: str | None = None,
) -> CommunicationItem:
    """The PM changes a line of the communication plan (every field at once, as the form has
    them)."""
    project = item.project
    _require(can_edit_register(actor, project), actor, project)
    if not what.strip():
        raise InvalidInput(_("Say what is communicated."), field="what")
    _require_member(project, sender, "sender")
    recipients = list(recipients)
    if any(stakeholder.project_id != project.pk for stakeholder in recipients):
        raise InvalidInput(_("A recipient is not in this project's register."), field="recipients")
    if visibility is not None and visibility not in Visibility.values:
        raise InvalidInput(_("Unknown visibility."), field="visibility")
    item.what = what.strip()
    item.sender = sender
    item.channel = channel
    item.frequency = frequency
    if visibility is not None:
        item.visibility = visibility
    item.save()
    item.recipients.set(recipients)
    return item


def communication_item_delete(*, actor: User, item: CommunicationItem) -> None:
    _require(can_edit_register(actor, item.project), actor, item.project)
    item.delete()


@transaction.atomic
def raci_assign(
    *,
    actor: User,
    project: Project,
    letter: str,
    work_area: str = "",
    deliverable: Deliverable | None = None,
    stakeholder: Stakeholder | None = None,
    user: User | None = None,
) -> RaciAssignment:
    """The PM puts a letter in a cell of the RACI. A row has exactly one A: giving the A to
    someone moves it (the former A becomes R). The person's earlier letter on the row is replaced.
    Rows are locked while the A moves, so two PMs cannot leave two As."""
    _require(can_edit_register(actor, project), actor, project)
    if letter not in RaciLetter.values:
        raise InvalidInput(_("Choose R, A, C or I."), field="letter")
    work_area = work_area.strip()
    if bool(work_area) == (deliverable is not None):
        raise InvalidInput(_("Give either a work area or a deliverable."), field="work_area")
    if deliverable is not None and deliverable.project_id != project.pk:
        raise InvalidInput(_("The deliverable is not in this project."), field="deliverable")
    if (stakeholder is None) == (user is None):
        raise InvalidInput(_("Give either a stakeholder or a member."), field="stakeholder")
    if stakeholder is not None and stakeholder.project_id != project.pk:
        raise InvalidInput(_("The stakeholder is not in this register."), field="stakeholder")
    _require_member(project, user, "user")
    # Lock the project row: the one-A rule spans several rows of the matrix.
    Project.objects.select_for_update().filter(pk=project.pk).get()
    row = RaciAssignment.objects.filter(
        project=project, work_area=work_area, deliverable=deliverable
    )
    row.filter(stakeholder=stakeholder, user=user).delete()
    if letter == RaciLetter.ACCOUNTABLE:
        row.filter(letter=RaciLetter.ACCOUNTABLE).update(letter=RaciLetter.RESPONSIBLE)
    elif not row.filter(letter=RaciLetter.ACCOUNTABLE).exists():
        raise InvalidInput(
            _("Each row needs exactly one A: name who is accountable first."), field="letter"
        )
    return RaciAssignment.objects.create(
        project=project,
        work_area=work_area,
        deliverable=deliverable,
        stakeholder=stakeholder,
        user=user,
        letter=letter,
    )


def raci_unassign(*, actor: User, assignment: RaciAssignment) -> None:
    """The PM clears a cell. The A of a row with other letters cannot be cleared (move it)."""
    project = assignment.project
    _require(can_edit_register(actor, project), actor, project)
    if assignment.letter == RaciLetter.ACCOUNTABLE and (
        RaciAssignment.objects.filter(
            project=project, work_area=assignment.work_area, deliverable=assignment.deliverable
        )
        .exclude(pk=assignment.pk)
        .exists()
    ):
        raise InvalidInput(_("Give the A to someone else first."), field="letter")
    assignment.delete()


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
    _require(can_manage_meetings(actor, project), actor, project)
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
) -> Meeting:
    """The PM or a team member reschedules a meeting or changes its agenda, attendees and
    visibility (None keeps it). Made internal, its minutes stop being shared; refused while a
    client person holds an open action item of it (they could no longer see what they owe)."""
    project = meeting.project
    _require(can_manage_meetings(actor, project), actor, project)
    if not title.strip():
        raise InvalidInput(_("Give a title."), field="title")
    if timezone.is_naive(starts_at):
        raise InvalidInput(_("Give the time with its time zone."), field="starts_at")
    if visibility is not None and visibility not in Visibility.values:
        raise InvalidInput(_("Unknown visibility."), field="visibility")
    attendees, stakeholder_attendees = _check_attendees(project, attendees, stakeholder_attendees)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
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


def meeting_update_minutes(
    *, actor: User, meeting: Meeting, minutes: str, minutes_visibility: str
) -> Meeting:
    """The minutes and who may read them; an internal meeting's minutes stay internal."""
    _require(can_manage_meetings(actor, meeting.project), actor, meeting.project)
    _check_visibility(meeting.visibility, minutes_visibility)
    meeting.minutes = minutes
    meeting.minutes_visibility = minutes_visibility
    meeting.save(update_fields=["minutes", "minutes_visibility"])
    return meeting


def meeting_decision_record(
    *, actor: User, meeting: Meeting, text: str, decided_by: str = Side.JOINT
) -> MeetingDecision:
    """Record what the meeting decided; it enters the decision log."""
    _require(can_manage_meetings(actor, meeting.project), actor, meeting.project)
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
    _require(can_manage_meetings(actor, meeting.project), actor, meeting.project)
    if not text.strip():
        raise InvalidInput(_("Say what is to be done."), field="text")
    _require_member(meeting.project, owner, "owner")
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
