"""Status reports end to end: PostgreSQL, the real Redis broker, a real Celery worker (in a
thread of the test process) and a real SMTP server (aiosmtpd). These tests commit
(transactional_db); each uses a Celery queue of its own (tests/notifications/conftest.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.db import connection, connections

from config.celery import app as celery_app
from reports.dispatch import reports_dispatch
from reports.models import Report, ReportDelivery, ReportRendition
from reports.tasks import (
    broker_backlog,
    report_deliver_task,
    report_deliveries_sweep_task,
    reports_dispatch_task,
)
from tests.notifications.conftest import RecordingHandler, free_port
from tests.notifications.test_outbox_worker import wait_until
from tests.reports.conftest import PAST, make_due, make_schedule

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def worker(task_queue):
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(task_queue.name)
    with start_worker(
        celery_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10
    ) as running:
        yield running


def statuses() -> list[str]:
    return sorted(ReportDelivery.objects.values_list("status", flat=True))


def pdf_attachments(message) -> list[bytes]:
    return [
        part.get_content()
        for part in message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]


def test_due_schedule_sends_one_email_per_recipient_with_the_pdf(
    pm, project, client_admin, rep, viewer, smtp_server, worker
):
    schedule = make_schedule(pm, project, extras=[("sponsor@a.test", "Sam", "zh-hans")])
    make_due(schedule, PAST)

    reports_dispatch_task.delay()  # the beat's task, through the broker

    wait_until(lambda: statuses() == ["sent"] * 4)
    time.sleep(0.3)  # room for a duplicate to show up, if there were one
    report = Report.objects.get()
    received = smtp_server.received
    assert sorted(m["To"] for m in received) == [
        "admin@a.test",
        "rep@a.test",
        "sponsor@a.test",
        "viewer@a.test",
    ]
    for message in received:
        [pdf] = pdf_attachments(message)
        assert pdf.startswith(b"%PDF")
        assert message.get_body(preferencelist=("html",)) is not None
        assert message.get_body(preferencelist=("plain",)) is not None
    ids = {d.email: d.message_id for d in report.deliveries.all()}
    assert {m["To"]: m["Message-ID"] for m in received} == ids
    # Each copy is whole: its own To and Message-ID, the shared rest (built once per language).
    languages = {d.email: d.language for d in report.deliveries.all()}
    for message in received:
        assert message["Content-Language"] == languages[message["To"]]
        assert message["Subject"]
        assert message["Date"]
        assert len(message.get_all("To")) == len(message.get_all("Message-ID")) == 1
    english = [m for m in received if languages[m["To"]] == "en"]
    assert len({pdf_attachments(m)[0] for m in english}) == 1
    assert len({m["Subject"] for m in english}) == 1
    # rendered once per language, shared by the recipients of that language
    assert ReportRendition.objects.filter(report=report).count() == 2


def test_two_dispatchers_at_once_make_one_report_and_one_email_each(
    pm, project, client_admin, rep, smtp_server, worker
):
    schedule = make_schedule(pm, project)
    make_due(schedule, PAST)
    barrier = threading.Barrier(2)
    results = []

    def dispatch() -> None:
        try:
            barrier.wait(5)
            results.append(reports_dispatch(now=PAST + timedelta(minutes=1)).created)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=dispatch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert sorted(results) == [0, 1]
    wait_until(lambda: statuses() == ["sent", "sent"])
    time.sleep(0.5)
    assert Report.objects.count() == 1
    assert sorted(m["To"] for m in smtp_server.received) == ["admin@a.test", "rep@a.test"]


def test_refused_then_accepted_gives_one_delivery_after_retry(
    pm, project, rep, smtp_server, worker, settings
):
    settings.OUTBOX_RETRY_BASE_SECONDS = 1
    smtp_server.refuse_data("451 4.3.0 Try again later", times=1)
    schedule = make_schedule(pm, project)
    make_due(schedule, PAST)

    reports_dispatch_task.delay()

    wait_until(lambda: statuses() == ["sent"])
    time.sleep(0.3)
    [received] = smtp_server.received
    delivery = ReportDelivery.objects.get()
    assert received["Message-ID"] == delivery.message_id
    assert delivery.attempts == 2
    assert "451" in delivery.last_error


def test_permanent_refusal_fails_after_one_attempt_and_flags_the_address(
    pm, project, rep, smtp_server, worker
):
    smtp_server.refuse_rcpt("550 5.1.1 No such mailbox")
    schedule = make_schedule(pm, project)
    make_due(schedule, PAST)

    reports_dispatch_task.delay()

    wait_until(lambda: statuses() == ["failed"])
    time.sleep(0.3)
    delivery = ReportDelivery.objects.get()
    assert (delivery.attempts, delivery.is_bounced) == (1, True)
    assert "550" in delivery.last_error
    assert smtp_server.received == []
    assert pm.notifications.filter(title__contains="rep@a.test").count() == 1


def test_transient_refusals_end_as_failed_after_the_limit(
    pm, project, rep, smtp_server, worker, settings
):
    settings.OUTBOX_RETRY_BASE_SECONDS = 1
    settings.REPORTS_MAX_ATTEMPTS = 2
    smtp_server.refuse_data("421 4.7.0 Busy")
    schedule = make_schedule(pm, project)
    make_due(schedule, PAST)

    reports_dispatch_task.delay()

    wait_until(lambda: statuses() == ["failed"])
    delivery = ReportDelivery.objects.get()
    assert (delivery.attempts, delivery.is_bounced) == (2, False)
    assert smtp_server.received == []


class StallingHandler(RecordingHandler):
    """Holds the first RCPT until released: the client is mid-conversation, nothing accepted."""

    def __init__(self) -> None:
        super().__init__()
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.release.is_set():
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "421 4.4.2 Closing"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


def _worker_process(queue: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reports.worker_settings",
        "REPORTS_TEST_DATABASE_NAME": connection.settings_dict["NAME"],
        "REPORTS_TEST_SMTP_PORT": str(port),
        "REPORTS_TEST_QUEUE": queue,
        "REDIS_URL": django_settings.CELERY_BROKER_URL,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_worker_killed_mid_delivery_then_restarted_sends_once(
    pm, project, client_admin, rep, task_queue
):
    """A worker process claims the report's deliveries (together) and is killed (SIGKILL) while
    the SMTP server has not accepted anything yet; its task message is not acknowledged and the
    rows stay "sending". A new worker process runs the sweeper, which takes the stale claims
    back: every recipient gets exactly one e-mail, none is lost."""
    handler = StallingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    first = second = None
    try:
        schedule = make_schedule(pm, project)
        make_due(schedule, PAST)
        reports_dispatch(now=PAST + timedelta(minutes=1))  # commits; the task is queued
        first = _worker_process(task_queue.name, controller.port)
        assert handler.stalled.wait(20), (statuses(), handler.received)
        assert statuses() == ["sending", "sending"]
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        handler.release.set()

        second = _worker_process(task_queue.name, controller.port)
        time.sleep(2.5)  # the dead worker's claim grows stale
        report_deliveries_sweep_task.delay()  # what the beat runs every two minutes
        wait_until(lambda: statuses() == ["sent", "sent"], timeout=30)
        time.sleep(0.5)
        counts = Counter(m["To"] for m in handler.received)
        assert counts == {"admin@a.test": 1, "rep@a.test": 1}
        # Both were claimed by the killed worker, then once more after the sweep.
        assert list(ReportDelivery.objects.values_list("attempts", flat=True)) == [2, 2]
    finally:
        handler.release.set()
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(10)
        controller.stop()


def test_broker_backlog_counts_the_tasks_waiting_in_the_real_queue(task_queue):
    """The sweeper asks Redis how many tasks wait, to tell a backlog from a lost task."""
    assert broker_backlog() == 0
    report_deliver_task.delay(1)
    report_deliver_task.delay(2)
    assert broker_backlog() == 2
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(task_queue.name)
    assert broker_backlog() == 0
