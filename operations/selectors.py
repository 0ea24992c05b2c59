"""What the operations page and /metrics read: the broker (through common.broker, with short
timeouts), the outbox (notifications), failed report e-mails (reports) and the periodic tasks'
last successes. Everything but the broker is a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from celery import current_app
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from accounts.models import Organization
from accounts.permissions import is_staff_admin
from common.broker import BrokerState, broker_state
from common.errors import NotAllowed
from notifications.models import OutboxMessage
from notifications.selectors import OutboxBacklog, outbox_backlog, outbox_failed_list_for
from operations.models import PeriodicTaskRun
from operations.schedule import PeriodicEntry, periodic_entries
from reports.models import ReportDelivery
from reports.selectors import failed_deliveries_for

if TYPE_CHECKING:
    from accounts.models import User

OUTBOX_FAILURES_WINDOW = timedelta(days=7)
REPORT_FAILURES_WINDOW = timedelta(days=1)


def staff_admins() -> QuerySet[User]:
    """Every active staff admin (accounts.User.is_staff_admin, in SQL)."""
    return get_user_model().objects.filter(
        is_active=True, is_staff=True, side=Organization.Kind.PROVIDER
    )


def broker_queues() -> list[str]:
    """The queues workers consume: the default one and any a route names."""
    conf = current_app.conf
    queues = {conf.task_default_queue}
    routes = conf.task_routes or {}
    if isinstance(routes, dict):
        queues.update(
            route["queue"]
            for route in routes.values()
            if isinstance(route, dict) and "queue" in route
        )
    return sorted(queues)


def broker_overview(*, ping_workers: bool) -> BrokerState:
    return broker_state(current_app, queues=broker_queues(), ping_workers=ping_workers)


@dataclass(frozen=True)
class PeriodicStatus:
    entry: PeriodicEntry
    last_success_at: datetime | None
    is_late: bool
    now: datetime

    @property
    def interval_text(self) -> str:
        """The interval in words ("30 seconds", "2 minutes", "1 day"), in the reader's language."""
        seconds = int(self.entry.interval.total_seconds())
        if seconds < 60:
            return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
        return timesince(self.now - self.entry.interval, self.now)


def periodic_status(*, now: datetime) -> list[PeriodicStatus]:
    """Each beat entry with its task's last success; late when older than twice its interval
    (a task that never succeeded is shown as never, not late: a new install has not run it)."""
    last = dict(PeriodicTaskRun.objects.values_list("task", "last_success_at"))
    rows = []
    for entry in periodic_entries():
        success = last.get(entry.task)
        late = success is not None and now - success > 2 * entry.interval
        rows.append(PeriodicStatus(entry=entry, last_success_at=success, is_late=late, now=now))
    return rows


@dataclass(frozen=True)
class OperationsOverview:
    now: datetime
    broker: BrokerState
    outbox: OutboxBacklog
    outbox_failures: list[OutboxMessage]
    report_failures: list[ReportDelivery]
    periodic: list[PeriodicStatus] = field(default_factory=list)

    @property
    def queue_depth(self) -> int | None:
        return None if self.broker.depths is None else sum(self.broker.depths.values())

    @property
    def last_periodic_run(self) -> datetime | None:
        times = [row.last_success_at for row in self.periodic if row.last_success_at]
        return max(times) if times else None

    @property
    def late_count(self) -> int:
        return sum(row.is_late for row in self.periodic)


def operations_overview_for(*, user: User, now: datetime | None = None) -> OperationsOverview:
    """The operations page of a staff admin (NotAllowed for anybody else)."""
    if not is_staff_admin(user):
        raise NotAllowed()
    now = now or timezone.now()
    broker = broker_overview(ping_workers=True)
    return OperationsOverview(
        now=now,
        broker=broker,
        outbox=outbox_backlog(),
        outbox_failures=list(
            outbox_failed_list_for(user=user, since=now - OUTBOX_FAILURES_WINDOW)[:200]
        ),
        report_failures=list(
            failed_deliveries_for(user=user, since=now - REPORT_FAILURES_WINDOW)[:200]
        ),
        periodic=periodic_status(now=now),
    )
