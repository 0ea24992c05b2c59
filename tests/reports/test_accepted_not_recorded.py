"""A status report e-mail the SMTP server accepted is never sent again, even when recording the
send fails right after the accept. The real Redis broker, a real Celery worker (in a thread of
the test process) and a real SMTP server; the fault is injected into the finish step only (the
database refuses the UPDATE once). These tests commit."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime

import pytest
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from common.database import retry_when_locked
from reports import delivery as delivery_module
from reports.models import Report, ReportDelivery
from reports.services.reports import report_preview
from reports.tasks import report_delivery_send_task, reports_dispatch_task
from tests.notifications.test_outbox_worker import wait_until
from tests.reports.conftest import PAST, make_due, make_schedule
from tests.reports.test_worker import statuses, worker  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("transactional_db")


class FinishFailsOnce:
    """The first finish of a delivery the server accepted raises `error` (once in all)."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.failed: list[tuple[str, datetime]] = []
        self.inner = delivery_module._finish.__wrapped__

    def __call__(self, delivery: ReportDelivery, fields: dict) -> None:
        if fields.get("status") == ReportDelivery.Status.SENT and not self.failed:
            self.failed.append((delivery.email, timezone.now()))
            raise self.error
        self.inner(delivery, fields)


@pytest.fixture
def finish_fails_once(monkeypatch):
    def install(error: Exception) -> FinishFailsOnce:
        fault = FinishFailsOnce(error)

        def finish(delivery: ReportDelivery, fields: dict) -> None:
            fault(delivery, fields)

        monkeypatch.setattr(delivery_module, "_finish", retry_when_locked(finish))
        return fault

    return install


def copies_per_recipient(received) -> Counter:
    return Counter((message["Message-ID"], message["To"]) for message in received)


@pytest.mark.usefixtures("worker")
@pytest.mark.parametrize(
    "error",
    [OperationalError("database is locked"), InterfaceError("connection already closed")],
    ids=["locked-retried-at-once", "connection-lost-recorded-by-the-retry"],
)
def test_a_report_accepted_but_not_recorded_goes_out_once_per_recipient(
    pm, project, client_admin, rep, smtp_server, finish_fails_once, settings, error
):
    settings.SEND_RECORD_RETRY_SECONDS = 1
    fault = finish_fails_once(error)
    make_due(make_schedule(pm, project), PAST)

    reports_dispatch_task.delay()

    wait_until(lambda: statuses() == ["sent", "sent"])
    time.sleep(1.5)  # a retry that sent again would have done so by now
    report = Report.objects.get()
    deliveries = {d.email: d for d in report.deliveries.all()}
    assert copies_per_recipient(smtp_server.received) == {
        (deliveries["admin@a.test"].message_id, "admin@a.test"): 1,
        (deliveries["rep@a.test"].message_id, "rep@a.test"): 1,
    }
    [(email, failed_at)] = fault.failed
    assert deliveries[email].attempts == 1
    assert deliveries[email].sent_at <= failed_at  # the time of the accept, not of the record


@pytest.mark.usefixtures("worker")
def test_the_single_delivery_task_records_an_accept_it_could_not_record_without_sending(
    pm, project, rep, smtp_server, finish_fails_once, settings
):
    settings.SEND_RECORD_RETRY_SECONDS = 1
    make_schedule(pm, project, roles=())
    fault = finish_fails_once(InterfaceError("connection already closed"))
    # The delivery task alone (as a retry or the sweeper queues it), not the report's task.
    report = Report.objects.create(
        project=project,
        period_start=PAST.date(),
        period_end=PAST.date(),
        trigger=Report.Trigger.MANUAL,
        snapshot=_snapshot_of(pm, project),
    )
    delivery = ReportDelivery.objects.create(
        report=report,
        email="rep@a.test",
        language="en",
        message_id=ReportDelivery.new_message_id(),
    )

    report_delivery_send_task.delay(delivery.pk)

    wait_until(lambda: statuses() == ["sent"])
    time.sleep(1.5)
    assert copies_per_recipient(smtp_server.received) == {(delivery.message_id, "rep@a.test"): 1}
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.sent_at <= fault.failed[0][1]


def _snapshot_of(pm, project) -> dict:
    return report_preview(actor=pm, project=project, now=PAST)
