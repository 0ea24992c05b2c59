"""A project's report schedule: when reports go out, to which roles and extra addresses, and the
PM's summary for the next report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from common.errors import Conflict, InvalidInput, NotAllowed
from common.history import set_history_user
from common.revisions import check_revision
from projects.models import CLIENT_ROLES, Project
from reports.models import ExtraRecipient, ReportSchedule
from reports.permissions import (
    can_manage_report_recipients,
    can_manage_report_schedule,
    can_send_report,
)
from reports.schedule import monday_of, next_run_after, zone_of
from stakeholders.models import CommunicationItem

if TYPE_CHECKING:
    from accounts.models import User

MAX_EXTRA_RECIPIENTS = 50
SUMMARY_MAX_LENGTH = 20000


class NoSchedule(Conflict):
    code = "no_schedule"
    default_message = _("Set up the report schedule and its recipients first.")


@dataclass(frozen=True)
class ExtraAddress:
    email: str
    name: str = ""
    language: str = Language.ENGLISH

    def __str__(self) -> str:
        return ", ".join(part for part in (self.email, self.name, self.language) if part)


def client_time_zone(project: Project) -> str:
    return project.client.time_zone or "UTC"


def schedule_of(project: Project) -> ReportSchedule | None:
    """The project's report schedule: no query when the project was read with it
    (select_related("report_schedule"))."""
    if type(project).report_schedule.is_cached(project):
        return getattr(project, "report_schedule", None)
    return ReportSchedule.objects.filter(project=project).first()


def _check_extras(extras: list[ExtraAddress]) -> list[ExtraAddress]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    if len(extras) > MAX_EXTRA_RECIPIENTS:
        raise InvalidInput(
            _("At most %(count)d extra addresses.") % {"count": MAX_EXTRA_RECIPIENTS},
            field="extra_recipients",
        )
    seen: set[str] = set()
    for extra in extras:
        try:
            validate_email(extra.email)
        except ValidationError:
            raise InvalidInput(
                _("“%(email)s” is not an e-mail address.") % {"email": extra.email},
                field="extra_recipients",
            ) from None
        if extra.language not in Language.values:
            raise InvalidInput(
                _("“%(language)s” is not a language of the product.")
                % {"language": extra.language},
                field="extra_recipients",
            )
        if len(extra.name) > 200:
            raise InvalidInput(_("A name has at most 200 characters."), field="extra_recipients")
        if extra.email.lower() in seen:
            raise InvalidInput(
                _("“%(email)s” is listed twice.") % {"email": extra.email},
                field="extra_recipients",
            )
        seen.add(extra.email.lower())
    return extras


def _check_roles(roles: Sequence[str]) -> list[str]:
    unknown = [role for role in roles if role not in CLIENT_ROLES]
    if unknown:
        raise InvalidInput(
            _("Reports go to client roles only; “%(role)s” is not one.") % {"role": unknown[0]},
            field="recipient_roles",
        )
    return sorted(set(roles))


def _set_extras(schedule: ReportSchedule, extras: list[ExtraAddress]) -> None:
    schedule.extra_recipients.all().delete()
    ExtraRecipient.objects.bulk_create(
        ExtraRecipient(schedule=schedule, email=e.email.strip(), name=e.name, language=e.language)
        for e in extras
    )


def _reschedule(schedule: ReportSchedule, now: datetime | None = None) -> None:
    schedule.next_run_at = (
        next_run_after(schedule, now or timezone.now(), client_time_zone(schedule.project))
        if schedule.is_active
        else None
    )


@transaction.atomic
def schedule_save(
    *,
    actor: User,
    project: Project,
    cadence: str,
    weekday: int,
    day_of_month: int,
    hour: int,
    recipient_roles: Sequence[str],
    is_active: bool,
    communication_item: CommunicationItem | None = None,
    extra_recipients: list[ExtraAddress] | None = None,
    revision: int | None = None,
) -> ReportSchedule:
    """The PM creates or changes the project's schedule; the next run is computed again in the
    client's time zone. Raises NotAllowed for anyone else, InvalidInput naming the field, and
    EditConflict if `revision` is given and someone saved the schedule since."""
    if not can_manage_report_schedule(actor, project):
        raise NotAllowed()
    _check_timing(cadence=cadence, weekday=weekday, day_of_month=day_of_month, hour=hour)
    _check_item(project, communication_item)
    roles = _check_roles(recipient_roles)
    extras = _check_extras(extra_recipients) if extra_recipients is not None else None
    schedule = ReportSchedule.objects.select_for_update().filter(project=project).first()
    if schedule is not None:
        check_revision(schedule, revision)
    if schedule is None:
        local_today = timezone.now().astimezone(zone_of(client_time_zone(project))).date()
        schedule = ReportSchedule(project=project, anchor_date=monday_of(local_today))
    schedule.cadence = cadence
    schedule.weekday = weekday
    schedule.day_of_month = day_of_month
    schedule.hour = hour
    schedule.recipient_roles = roles
    schedule.is_active = is_active
    schedule.communication_item = communication_item
    schedule.project = project
    _reschedule(schedule)
    set_history_user(schedule, actor)
    schedule.save()
    if extras is not None:
        _set_extras(schedule, extras)
    return schedule


def _check_timing(
    *,
    cadence: str | None = None,
    weekday: int | None = None,
    day_of_month: int | None = None,
    hour: int | None = None,
) -> None:
    from reports.models import Cadence

    if cadence is not None and cadence not in Cadence.values:
        raise InvalidInput(_("Choose weekly, every two weeks or monthly."), field="cadence")
    if weekday is not None and not 0 <= weekday <= 6:
        raise InvalidInput(_("Choose a day of the week."), field="weekday")
    if day_of_month is not None and not 1 <= day_of_month <= 31:
        raise InvalidInput(_("Choose a day between 1 and 31."), field="day_of_month")
    if hour is not None and not 0 <= hour <= 23:
        raise InvalidInput(_("Choose an hour between 0 and 23."), field="hour")


def _check_item(project: Project, item: CommunicationItem | None) -> None:
    if item is not None and item.project_id != project.pk:
        raise InvalidInput(_("Choose a line of this project's plan."), field="communication_item")


# When the reports go out: only the PM changes these.
TIMING_FIELDS = ("cadence", "weekday", "day_of_month", "hour", "communication_item")


@transaction.atomic
def schedule_update(
    *,
    actor: User,
    project: Project,
    revision: int | None = None,
    is_active: bool | None = None,
    recipient_roles: Sequence[str] | None = None,
    extra_recipients: list[ExtraAddress] | None = None,
    **timing: Any,
) -> ReportSchedule:
    """Change part of the schedule; what is not given stays. The client side (a client admin,
    or the PM) pauses or resumes it and says who receives it; the timing (TIMING_FIELDS: cadence,
    day, hour, communication plan line) is the PM's, NotAllowed naming the field for anyone
    else. The next run is computed again when the timing or the on/off switch changes. Raises
    NoSchedule if the PM has not set one up, EditConflict if `revision` is given and someone
    saved the schedule since."""
    if not can_manage_report_recipients(actor, project):
        raise NotAllowed()
    unknown = sorted(set(timing) - set(TIMING_FIELDS))
    if unknown:
        raise InvalidInput(_("This field cannot be changed."), field=unknown[0])
    if timing and not can_manage_report_schedule(actor, project):
        raise NotAllowed(
            _("Only the project manager changes when the reports are sent."),
            field=next(name for name in TIMING_FIELDS if name in timing),
        )
    _check_timing(**{name: value for name, value in timing.items() if name != "communication_item"})
    _check_item(project, timing.get("communication_item"))
    schedule = ReportSchedule.objects.select_for_update().filter(project=project).first()
    if schedule is None:
        raise NoSchedule()
    check_revision(schedule, revision)
    for name, value in timing.items():
        setattr(schedule, name, value)
    reschedule = bool(timing)
    if recipient_roles is not None:
        schedule.recipient_roles = _check_roles(recipient_roles)
    if extra_recipients is not None:
        _set_extras(schedule, _check_extras(extra_recipients))
    if is_active is not None and is_active != schedule.is_active:
        schedule.is_active = is_active
        reschedule = True
    if reschedule:
        _reschedule(schedule)
    set_history_user(schedule, actor)
    schedule.save()
    return schedule


def schedule_update_recipients(
    *,
    actor: User,
    project: Project,
    is_active: bool | None = None,
    recipient_roles: Sequence[str] | None = None,
    extra_recipients: list[ExtraAddress] | None = None,
    revision: int | None = None,
) -> ReportSchedule:
    """The client side's part of the schedule (a client admin, or the PM): pause or resume, and
    who receives it (schedule_update without the timing)."""
    return schedule_update(
        actor=actor,
        project=project,
        revision=revision,
        is_active=is_active,
        recipient_roles=recipient_roles,
        extra_recipients=extra_recipients,
    )


@transaction.atomic
def summary_save(
    *, actor: User, project: Project, summary: str, revision: int | None = None
) -> ReportSchedule:
    """The PM's written summary for the next report (Markdown); the next report takes it.
    Raises NotAllowed for anyone else, InvalidInput if it is too long, NoSchedule without a
    schedule, and EditConflict if `revision` is given and someone saved the schedule since."""
    if not can_send_report(actor, project):
        raise NotAllowed()
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise InvalidInput(_("The summary has at most 20,000 characters."), field="summary")
    schedule = ReportSchedule.objects.select_for_update().filter(project=project).first()
    if schedule is None:
        raise NoSchedule()
    check_revision(schedule, revision)
    schedule.summary = summary
    schedule.summary_updated_at = timezone.now()
    schedule.summary_updated_by = actor
    schedule.save(update_fields=["summary", "summary_updated_at", "summary_updated_by"])
    return schedule
