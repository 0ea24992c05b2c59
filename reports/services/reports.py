"""Creating a report (by the dispatcher or "send now"), previewing it and resending deliveries.
Sending lives in reports.delivery, the beat-driven dispatcher and sweeper in reports.dispatch.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import Conflict, NotAllowed
from common.events import EventType, emit
from common.tasks import enqueue_after_commit
from projects.models import Project
from projects.services.projects import HEALTH_OVERRIDE_FIELDS, health_override_end
from reports.models import Report, ReportDelivery, ReportSchedule
from reports.permissions import can_resend_report, can_send_report
from reports.recipients import Recipient, recipients_of
from reports.schedule import Period, current_period, next_run_after, period_ending_at
from reports.snapshot import SnapshotRequest, take_snapshot

if TYPE_CHECKING:
    from accounts.models import User

from reports.services.schedules import NoSchedule, client_time_zone, schedule_of


class ReportExists(Conflict):
    code = "report_exists"
    default_message = _(
        "The report for this period has already been created. You can resend it instead."
    )

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report


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
    deliveries = ReportDelivery.objects.bulk_create(
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
    emit(
        EventType.REPORT_SENT,
        project=project,
        client_visible=True,
        data={
            "report": {
                "id": report.pk,
                "period_start": report.period_start.isoformat(),
                "period_end": report.period_end.isoformat(),
                "trigger": report.trigger,
                "recipients": len(deliveries),
            }
        },
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

    # A broker that is down must not fail the caller after its commit; the sweeper finds the
    # queued deliveries without their task.
    enqueue_after_commit(report_deliver_task, report_id)


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
