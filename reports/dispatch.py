"""The beat-driven side of status reports: the dispatcher that turns due schedules into reports,
and the sweeper that finds deliveries whose task was lost or whose worker died.

Neither depends on a Celery message surviving: every state is in the database, and both are
safe to run twice or side by side (row locks with SKIP LOCKED, the unique constraints).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from projects.models import Phase
from reports.models import Report, ReportDelivery, ReportSchedule
from reports.recipients import recipients_many
from reports.services.reports import run_schedule, scheduled_snapshot_request
from reports.snapshot import take_snapshots


@dataclass
class DispatchResult:
    due: int = 0
    created: int = 0


def reports_dispatch(
    *, now: datetime | None = None, batch_size: int = 50, max_batches: int = 200
) -> DispatchResult:
    """Create the report of every due, active schedule. Each batch is one transaction that
    locks its schedules with SKIP LOCKED (a second dispatcher takes other rows, or none),
    creates each report with its deliveries and moves the schedule to its next run; the
    deliveries are queued after the commit. Bounded: at most max_batches per run."""
    now = now or timezone.now()
    result = DispatchResult()
    for _batch in range(max_batches):
        with transaction.atomic():
            due = list(
                ReportSchedule.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("project__client")
                .filter(is_active=True, next_run_at__lte=now, project__is_archived=False)
                # A closed project is read-only: its schedules make no more reports.
                .exclude(project__phase=Phase.CLOSED)
                .order_by("next_run_at", "pk")[:batch_size]
            )
            if not due:
                break
            snapshots = _batch_snapshots(due, now=now)
            recipients = recipients_many(
                [schedule for schedule in due if schedule.project_id in snapshots]
            )
            for schedule in due:
                result.due += 1
                report = run_schedule(
                    schedule,
                    now=now,
                    snapshot=snapshots.get(schedule.project_id),
                    recipients=recipients.get(schedule.pk),
                )
                if report is not None:
                    result.created += 1
    return result


def _batch_snapshots(due: list[ReportSchedule], *, now: datetime) -> dict[int, dict]:
    """The snapshots of a batch's reports, taken together (reports.snapshot.take_snapshots:
    a fixed number of queries for most of it); a period whose report exists already (a
    restart, a twin dispatcher) is left out, and run_schedule then creates nothing for it."""
    requests = [scheduled_snapshot_request(schedule, now=now) for schedule in due]
    existing = set(
        Report.objects.filter(
            project__in=[request.project.pk for request in requests],
            period_end__in={request.period_end for request in requests},
        ).values_list("project_id", "period_end")
    )
    return take_snapshots(
        [
            request
            for request in requests
            if (request.project.pk, request.period_end) not in existing
        ]
    )


def sweep_grace() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "REPORTS_SWEEP_GRACE_SECONDS", 45)))


def sweep_backlog_grace() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "REPORTS_SWEEP_BACKLOG_GRACE_SECONDS", 1800)))


def deliveries_sweep(
    *, now: datetime | None = None, limit: int = 5000, backlog: bool = False
) -> list[int]:
    """Queue again what no task will send: deliveries stuck in `sending` (their worker died)
    and queued deliveries whose task should have run by now (lost with the broker). Returns
    the ids to queue; the caller (the task) queues them.

    `backlog`: the broker still holds tasks waiting for a worker (a large send in progress).
    A queued delivery is then most likely waiting behind them, not lost, so only those queued
    longer than REPORTS_SWEEP_BACKLOG_GRACE_SECONDS are taken; otherwise every sweep during a
    long send would queue the same reports again (harmless, the claims decide, but work)."""
    from reports.delivery import sending_stale_after

    now = now or timezone.now()
    with transaction.atomic():
        stale = list(
            ReportDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                status=ReportDelivery.Status.SENDING, claimed_at__lt=now - sending_stale_after()
            )
            .values_list("pk", flat=True)[:limit]
        )
        if stale:
            ReportDelivery.objects.filter(pk__in=stale).update(
                status=ReportDelivery.Status.QUEUED, next_attempt_at=None, claimed_at=None
            )
    cutoff = now - (sweep_backlog_grace() if backlog else sweep_grace())
    lost = list(
        ReportDelivery.objects.filter(status=ReportDelivery.Status.QUEUED)
        .filter(
            Q(next_attempt_at__lte=cutoff) | Q(next_attempt_at__isnull=True, created_at__lte=cutoff)
        )
        .exclude(pk__in=stale)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return stale + lost


def reports_of(delivery_ids: list[int]) -> list[int]:
    """The reports the given deliveries belong to, once each."""
    return sorted(
        set(ReportDelivery.objects.filter(pk__in=delivery_ids).values_list("report_id", flat=True))
    )
