"""Writes of the reports app: the schedule, the PM's summary, creating a report (by the
dispatcher or "send now"), and resending deliveries. Sending lives in reports.delivery, the
beat-driven dispatcher and sweeper in reports.dispatch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from common.errors import Conflict, InvalidInput, NotAllowed
from projects.models import CLIENT_ROLES, Project
from projects.services.projects import HEALTH_OVERRIDE_FIELDS, health_override_end
from reports.models import ExtraRecipient, Report, ReportDelivery, ReportSchedule
from reports.permissions import (
    can_manage_report_recipients,
    can_manage_report_schedule,
    can_resend_report,
    can_send_report,
)
from reports.recipients import Recipient, recipients_of
from reports.schedule import (
    Period,
    current_period,
    monday_of,
    next_run_after,
    period_ending_at,
    zone_of,
)
from reports.snapshot import SnapshotRequest, take_snapshot
from stakeholders.models import CommunicationItem

if TYPE_CHECKING:
    from accounts.models import User

MAX_EXTRA_RECIPIENTS = 50


class ReportExists(Conflict):
    code = "report_exists"
    default_message = _(
        "The report for this period has already been created. You can resend it instead."
    )

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report


class NoSchedule(Conflict):
    code = "no_schedule"
    default_message = _("Set up the report schedule and its recipients first.")


@dataclass(frozen=True)
class ExtraAddress:
    email: str
    name: str = ""
    language: str = Language.ENGLISH


def client_time_zone(project: Project) -> str:
    return project.client.time_zone or "UTC"


def schedule_of(project: Project) -> ReportSchedule | None:
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
) -> ReportSchedule:
    """The PM creates or changes the project's schedule; the next run is computed again in the
    client's time zone. Raises NotAllowed for anyone else, InvalidInput naming the field."""
    if not can_manage_report_schedule(actor, project):
        raise NotAllowed()
    from reports.models import Cadence

    if cadence not in Cadence.values:
        raise InvalidInput(_("Choose weekly, every two weeks or monthly."), field="cadence")
    if not 0 <= weekday <= 6:
        raise InvalidInput(_("Choose a day of the week."), field="weekday")
    if not 1 <= day_of_month <= 31:
        raise InvalidInput(_("Choose a day between 1 and 31."), field="day_of_month")
    if not 0 <= hour <= 23:
        raise InvalidInput(_("Choose an hour between 0 and 23."), field="hour")
    if communication_item is not None and communication_item.project_id != project.pk:
        raise InvalidInput(_("Choose a line of this project's plan."), field="communication_item")
    roles = _check_roles(recipient_roles)
    extras = _check_extras(extra_recipients) if extra_recipients is not None else None
    schedule = ReportSchedule.objects.select_for_update().filter(project=project).first()
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
    schedule._history_user = actor  # type: ignore[attr-defined]
    schedule.save()
    if extras is not None:
        _set_extras(schedule, extras)
    return schedule


@transaction.atomic
def schedule_update_recipients(
    *,
    actor: User,
    project: Project,
    is_active: bool | None = None,
    recipient_roles: Sequence[str] | None = None,
    extra_recipients: list[ExtraAddress] | None = None,
) -> ReportSchedule:
    """The client side's part of the schedule (a client admin, or the PM): pause or resume, and
    who receives it. Raises NoSchedule if the PM has not set one up."""
    if not can_manage_report_recipients(actor, project):
        raise NotAllowed()
    schedule = ReportSchedule.objects.select_for_update().filter(project=project).first()
    if schedule is None:
        raise NoSchedule()
    if recipient_roles is not None:
        schedule.recipient_roles = _check_roles(recipient_roles)
    if extra_recipients is not None:
        _set_extras(schedule, _check_extras(extra_recipients))
    if is_active is not None and is_active != schedule.is_active:
        schedule.is_active = is_active
        _reschedule(schedule)
    schedule._history_user = actor  # type: ignore[attr-defined]
    schedule.save()
    return schedule


@transaction.atomic
def summary_save(*, actor: User, project: Project, summary: str) -> ReportSchedule:
    """The PM's written summary for the next report (Markdown); the next report takes it."""
    if not can_send_report(actor, project):
        raise NotAllowed()
    if len(summary) > 20000:
        raise InvalidInput(_("The summary has at most 20,000 characters."), field="summary")
    schedule = ReportSchedule.objects.select_for_update().filter(project=project).first()
    if schedule is None:
        raise NoSchedule()
    schedule.summary = summary
    schedule.summary_updated_at = timezone.now()
    schedule.summary_updated_by = actor
    schedule.save(update_fields=["summary", "summary_updated_at", "summary_updated_by"])
    return schedule


def portal_report_url(report: Report) -> str:
    return reverse(
        "reports:portal_report", kwargs={"project_id": report.project_id, "report_id": report.pk}
    )


def report_create_for_period(
    *,
    schedule: ReportSchedule,
    period: Period,
    until: datetime,
    trigger: str,
    actor: User | None = None,
    snapshot: dict[str, Any] | None = None,
    recipients: list[Recipient] | None = None,
    save_schedule: bool = True,
) -> Report | None:
    """Freeze the report of `period` and write one queued delivery per recipient, in the
    caller's transaction; queue its delivery after the commit. Returns None if the period's
    report exists already (the unique constraint decides, also against a concurrent twin).
    The schedule must be locked by the caller; its summary is taken and starts blank again
    (saved here unless `save_schedule` is false: the caller saves the schedule).
    `snapshot` and `recipients`: read already, with those of the dispatcher's whole batch,
    which also made sure the period had no report yet."""
    project = schedule.project
    if snapshot is None:
        if Report.objects.filter(project=project, period_end=period.end).exists():
            return None
        snapshot = take_snapshot(
            project=project,
            period_start=period.start,
            period_end=period.end,
            until=until,
            summary=schedule.summary,
            time_zone=client_time_zone(project),
        )
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin only loses this insert
            report = Report.objects.create(
                project=project,
                period_start=period.start,
                period_end=period.end,
                trigger=trigger,
                created_by=actor,
                snapshot=snapshot,
            )
    except IntegrityError:
        return None
    if project.health_override:
        _end_health_override(project)
    ReportDelivery.objects.bulk_create(
        ReportDelivery(
            report=report,
            email=recipient.email,
            name=recipient.name,
            user_id=recipient.user_id,
            language=recipient.language,
            message_id=ReportDelivery.new_message_id(),
        )
        for recipient in (recipients if recipients is not None else recipients_of(schedule))
    )
    if schedule.summary:
        schedule.summary = ""
        if save_schedule:
            schedule.save(update_fields=["summary"])
    _queue_delivery(report.pk)
    return report


def _end_health_override(project: Project) -> None:
    """The PM's hand-set health holds until the next status report (or its date, if sooner):
    the report has just shown it, so the computed health shows again. The project row is
    locked and the override cleared only if it is still the one the report showed (a PM who
    sets a new one meanwhile keeps it)."""
    current = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    if (current.health_override, current.health_override_reason) != (
        project.health_override,
        project.health_override_reason,
    ):
        return
    health_override_end(current)
    for name in HEALTH_OVERRIDE_FIELDS:
        setattr(project, name, getattr(current, name))


def _queue_delivery(report_id: int) -> None:
    from reports.tasks import report_deliver_task

    # robust: a broker that is down must not fail the caller after its commit; the sweeper
    # finds the queued deliveries without their task.
    transaction.on_commit(lambda: report_deliver_task.delay(report_id), robust=True)


@transaction.atomic
def report_send_now(*, actor: User, project: Project, now: datetime | None = None) -> Report:
    """The PM sends the current period's report at once. Raises NoSchedule without a schedule,
    ReportExists (a Conflict carrying the report) if this period's report exists: the PM may
    resend it instead. The scheduled run of the period then finds it and sends nothing."""
    if not can_send_report(actor, project):
        raise NotAllowed()
    schedule = (
        ReportSchedule.objects.select_for_update(of=("self",))
        .select_related("project__client")
        .filter(project=project)
        .first()
    )
    if schedule is None:
        raise NoSchedule()
    now = now or timezone.now()
    period = current_period(schedule, now, client_time_zone(project))
    report = report_create_for_period(
        schedule=schedule, period=period, until=now, trigger=Report.Trigger.MANUAL, actor=actor
    )
    if report is None:
        raise ReportExists(Report.objects.get(project=project, period_end=period.end))
    return report


def report_preview(*, actor: User, project: Project, now: datetime | None = None) -> dict[str, Any]:
    """The next report as the client would get it now, not saved."""
    if not can_send_report(actor, project):
        raise NotAllowed()
    schedule = schedule_of(project)
    if schedule is None:
        raise NoSchedule()
    now = now or timezone.now()
    period = current_period(schedule, now, client_time_zone(project))
    return take_snapshot(
        project=project,
        period_start=period.start,
        period_end=period.end,
        until=now,
        summary=schedule.summary,
        time_zone=client_time_zone(project),
    )


def scheduled_snapshot_request(schedule: ReportSchedule, *, now: datetime) -> SnapshotRequest:
    """What the due schedule's report will be taken of: the period that ends at its scheduled
    run (the run itself, or now if it has none)."""
    tz = client_time_zone(schedule.project)
    run_at = schedule.next_run_at or now
    period = period_ending_at(schedule, run_at, tz)
    return SnapshotRequest(schedule.project, period.start, period.end, run_at, schedule.summary, tz)


def run_schedule(
    schedule: ReportSchedule,
    *,
    now: datetime,
    snapshot: dict[str, Any] | None = None,
    recipients: list[Recipient] | None = None,
) -> Report | None:
    """The dispatcher's step for one due, locked schedule: the report of the period that ends
    at its scheduled run, then the next run after now (missed runs are not made up one by one:
    the one report covers the period that was due). `snapshot` and `recipients`: read already,
    for the dispatcher's whole batch (reports.snapshot.take_snapshots, recipients_many)."""
    tz = client_time_zone(schedule.project)
    run_at = schedule.next_run_at or now
    report = report_create_for_period(
        schedule=schedule,
        period=period_ending_at(schedule, run_at, tz),
        until=run_at,
        trigger=Report.Trigger.SCHEDULE,
        snapshot=snapshot,
        recipients=recipients if snapshot is not None else None,
        save_schedule=False,
    )
    schedule.next_run_at = next_run_after(schedule, max(now, run_at), tz)
    schedule.save(update_fields=["next_run_at", "summary"])
    return report


@transaction.atomic
def report_resend(
    *, actor: User, report: Report, deliveries: list[ReportDelivery] | None = None
) -> int:
    """Send a report again: the given deliveries, or every failed one. A delivery already sent
    goes out again as a new message (the PM asked for it). Returns how many were queued."""
    if not can_resend_report(actor, report.project):
        raise NotAllowed()
    rows = ReportDelivery.objects.select_for_update().filter(report=report)
    if deliveries is not None:
        rows = rows.filter(pk__in=[d.pk for d in deliveries])
    else:
        rows = rows.filter(status=ReportDelivery.Status.FAILED)
    count = 0
    for delivery in rows:
        if delivery.status == ReportDelivery.Status.SENDING:
            continue
        if delivery.status == ReportDelivery.Status.SENT:
            delivery.message_id = ReportDelivery.new_message_id()
        delivery.status = ReportDelivery.Status.QUEUED
        delivery.attempts = 0
        delivery.next_attempt_at = None
        delivery.sent_at = None
        delivery.is_bounced = False
        delivery.claimed_at = None
        delivery.save()
        count += 1
    if count:
        _queue_delivery(report.pk)
    return count


def deliveries_summary(report: Report) -> dict[str, Any]:
    counts = dict.fromkeys(ReportDelivery.Status.values, 0)
    for delivery in report.deliveries.all():
        counts[delivery.status] += 1
    return counts
