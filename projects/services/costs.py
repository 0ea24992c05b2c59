"""Time and cost: time entries, their approval, rates and other cost entries.

A team member logs their own time; the PM logs anyone's on the team. An entry is changed or
deleted by its person (or the PM) while it is not approved; the PM approves the submitted
entries of a period, which fixes them. The PM sets the hourly rates (per role, or per person,
which wins) and records other costs. Labour cost is approved hours * the applicable rate
(projects.earned_value).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from projects.closure import ensure_project_open
from projects.models import (
    STAFF_ROLES,
    CostEntry,
    Membership,
    Project,
    Rate,
    Role,
    Task,
    TimeEntry,
    Visibility,
)
from projects.models.costs import MAX_HOURS_PER_ENTRY
from projects.permissions import can_log_time, can_manage_costs

if TYPE_CHECKING:
    from accounts.models import User

LOGGING_ROLES = (Role.PM, Role.TEAM_MEMBER)


def _decimal(value: object, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("Enter a number."), field=field) from None
    if not number.is_finite():
        raise InvalidInput(_("Enter a number."), field=field)
    return number


def _hours(value: object) -> Decimal:
    hours = _decimal(value, "hours")
    if hours <= 0 or hours > MAX_HOURS_PER_ENTRY:
        raise InvalidInput(
            _("Hours are more than 0 and at most 24 per entry."),
            field="hours",
        )
    if hours != hours.quantize(Decimal("0.01")):
        raise InvalidInput(_("Hours have at most two decimals."), field="hours")
    return hours


def _check_task(project: Project, task: Task | None) -> None:
    if task is not None and task.project_id != project.pk:
        raise InvalidInput(_("The task belongs to another project."), field="task")


def _check_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > 300:
        raise InvalidInput(_("The note is too long: at most 300 characters."), field="note")
    return note


def _may_change(actor: User, entry: TimeEntry) -> None:
    project = entry.project
    if can_manage_costs(actor, project):
        pass
    elif not (can_log_time(actor, project) and entry.person_id == actor.pk):
        raise NotAllowed(_("You may only change your own time entries."))
    if entry.is_approved:
        raise InvalidTransition(_("This time entry is approved: it can no longer change."))


@transaction.atomic
def time_entry_log(
    *,
    actor: User,
    project: Project,
    date: date,
    hours: Decimal,
    person: User | None = None,
    task: Task | None = None,
    note: str = "",
    is_billable: bool = True,
) -> TimeEntry:
    """Record `hours` worked on `date` by `person` (the actor by default), submitted for the
    PM's approval. A team member logs only their own time; the PM anyone's on the team (a PM or
    team member of the project). The task, if any, is of the same project."""
    person = person or actor
    if not can_log_time(actor, project):
        raise NotAllowed(_("Only the project's team logs time."))
    if person.pk != actor.pk and not can_manage_costs(actor, project):
        raise NotAllowed(_("You may only log your own time."))
    if not Membership.objects.filter(project=project, user=person, role__in=LOGGING_ROLES).exists():
        raise InvalidInput(
            _("Log time for a project manager or team member of this project."), field="person"
        )
    _check_task(project, task)
    if date is None:
        raise InvalidInput(_("Enter the date."), field="date")
    return TimeEntry.objects.create(
        project=project,
        person=person,
        task=task,
        date=date,
        hours=_hours(hours),
        note=_check_note(note),
        is_billable=bool(is_billable),
    )


@transaction.atomic
def time_entry_update(
    *,
    actor: User,
    entry: TimeEntry,
    date: date,
    hours: Decimal,
    task: Task | None = None,
    note: str = "",
    is_billable: bool = True,
) -> TimeEntry:
    """Correct a time entry that is not approved yet (its person, or the PM)."""
    entry = TimeEntry.objects.select_for_update().select_related("project").get(pk=entry.pk)
    _may_change(actor, entry)
    _check_task(entry.project, task)
    if date is None:
        raise InvalidInput(_("Enter the date."), field="date")
    entry.hours = _hours(hours)
    entry.date, entry.task, entry.note = date, task, _check_note(note)
    entry.is_billable = bool(is_billable)
    entry.save(update_fields=["date", "hours", "task", "note", "is_billable"])
    return entry


@transaction.atomic
def time_entry_delete(*, actor: User, entry: TimeEntry) -> None:
    """Delete a time entry that is not approved yet (its person, or the PM)."""
    entry = TimeEntry.objects.select_for_update().select_related("project").get(pk=entry.pk)
    _may_change(actor, entry)
    entry.delete()


@transaction.atomic
def time_period_approve(*, actor: User, project: Project, start: date, end: date) -> int:
    """The PM approves every submitted entry of the project dated from `start` to `end`
    (inclusive) and returns how many were approved now. Approving again approves nothing more:
    entries already approved keep their first approval."""
    if not can_manage_costs(actor, project):
        raise NotAllowed(_("Only the project manager approves time."))
    ensure_project_open(project.pk)  # the entries are approved in bulk
    if start is None or end is None:
        raise InvalidInput(_("Enter the first and last day of the period."), field="start")
    if end < start:
        raise InvalidInput(_("The period ends before it starts."), field="end")
    return TimeEntry.objects.filter(
        project=project, status=TimeEntry.Status.SUBMITTED, date__gte=start, date__lte=end
    ).update(status=TimeEntry.Status.APPROVED, approved_by=actor, approved_at=timezone.now())


@transaction.atomic
def rate_set(
    *,
    actor: User,
    project: Project,
    hourly_rate: Decimal,
    role: str = "",
    user: User | None = None,
) -> Rate:
    """The PM sets the hourly rate (in the project's currency) of a staff role or of one
    person on the project; a person's rate wins over their role's. Setting it again replaces it."""
    if not can_manage_costs(actor, project):
        raise NotAllowed(_("Only the project manager sets rates."))
    rate = _decimal(hourly_rate, "hourly_rate")
    if rate < 0:
        raise InvalidInput(_("The rate cannot be negative."), field="hourly_rate")
    if rate != rate.quantize(Decimal("0.01")) or rate >= Decimal(10) ** 8:
        raise InvalidInput(_("Enter a rate with at most two decimals."), field="hourly_rate")
    if (user is None) == (not role):
        raise InvalidInput(_("Choose either a role or a person."), field="role")
    if user is not None:
        if not Membership.objects.filter(
            project=project, user=user, role__in=sorted(STAFF_ROLES)
        ).exists():
            raise InvalidInput(_("The person is not on the project team."), field="user")
        found, _created = Rate.objects.update_or_create(
            project=project, user=user, role="", defaults={"hourly_rate": rate}
        )
        return found
    if role not in STAFF_ROLES:
        raise InvalidInput(_("Choose a role of the provider's team."), field="role")
    found, _created = Rate.objects.update_or_create(
        project=project, role=role, user=None, defaults={"hourly_rate": rate}
    )
    return found


@transaction.atomic
def rate_delete(*, actor: User, rate: Rate) -> None:
    if not can_manage_costs(actor, rate.project):
        raise NotAllowed(_("Only the project manager sets rates."))
    rate.delete()


@transaction.atomic
def cost_entry_add(
    *,
    actor: User,
    project: Project,
    date: date,
    amount: Decimal,
    category: str = CostEntry.Category.OTHER,
    note: str = "",
    visibility: str = Visibility.INTERNAL,
) -> CostEntry:
    """The PM records a cost (internal unless shared with the client)."""
    if not can_manage_costs(actor, project):
        raise NotAllowed(_("Only the project manager records costs."))
    value = _decimal(amount, "amount")
    if value < 0:
        raise InvalidInput(_("The amount cannot be negative."), field="amount")
    if value != value.quantize(Decimal("0.01")) or value >= Decimal(10) ** 12:
        raise InvalidInput(_("Enter an amount with at most two decimals."), field="amount")
    if category not in CostEntry.Category.values:
        raise InvalidInput(_("Unknown category."), field="category")
    if visibility not in Visibility.values:
        raise InvalidInput(_("Unknown visibility."), field="visibility")
    if date is None:
        raise InvalidInput(_("Enter the date."), field="date")
    return CostEntry.objects.create(
        project=project,
        date=date,
        amount=value,
        category=category,
        note=_check_note(note),
        visibility=visibility,
        created_by=actor,
    )


@transaction.atomic
def cost_entry_delete(*, actor: User, entry: CostEntry) -> None:
    if not can_manage_costs(actor, entry.project):
        raise NotAllowed(_("Only the project manager records costs."))
    entry.delete()
