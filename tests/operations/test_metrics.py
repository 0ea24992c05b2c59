"""/metrics: Prometheus' scrape behind a bearer token; absent (404) without METRICS_TOKEN."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.services.outbox import outbox_enqueue_rendered
from operations.models import PeriodicTaskRun
from reports.models import Report, ReportDelivery

TOKEN = "s3cret-metrics-token"


def value(body: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", body, re.MULTILINE)
    assert match, f"{name}{labels} not in the metrics"
    return float(match.group(1))


def message(status: str, minutes_ago: int = 0) -> OutboxMessage:
    row = outbox_enqueue_rendered(
        kind="test", to_email="x@example.test", language="en", subject="S", body_text="B"
    )
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=status, created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return row


@pytest.fixture
def figures(project):
    message(OutboxMessage.Status.PENDING, minutes_ago=10)
    message(OutboxMessage.Status.PENDING)
    message(OutboxMessage.Status.FAILED)
    report = Report.objects.create(
        project=project,
        period_start=date(2026, 1, 5),
        period_end=date(2026, 1, 12),
        trigger=Report.Trigger.MANUAL,
        snapshot={},
    )
    for email, status in [("a@a.test", "failed"), ("b@a.test", "failed"), ("c@a.test", "sent")]:
        ReportDelivery.objects.create(
            report=report,
            email=email,
            language="en",
            status=status,
            sent_at=timezone.now() if status == "sent" else None,
            message_id=ReportDelivery.new_message_id(),
        )
    PeriodicTaskRun.objects.create(
        task="notifications.tasks.outbox_flush_task",
        last_success_at=timezone.now() - timedelta(minutes=30),
    )


def test_without_a_token_configured_the_endpoint_does_not_exist(client, settings, db):
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_a_missing_or_wrong_token_is_refused(client, settings, db, header):
    settings.METRICS_TOKEN = TOKEN
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.get("/metrics", **extra)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"rapport_" not in response.content


def test_the_token_gets_the_gauges(client, settings, figures):
    settings.METRICS_TOKEN = TOKEN

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    body = response.content.decode()
    assert value(body, "rapport_broker_up") == 1
    assert value(body, "rapport_celery_queue_depth", '{queue="celery"}') >= 0
    assert value(body, "rapport_outbox_pending") == 2
    assert 590 <= value(body, "rapport_outbox_oldest_pending_age_seconds") <= 900
    assert value(body, "rapport_outbox_failed") == 1
    assert value(body, "rapport_report_deliveries_failed") == 2
    flush = '{task="notifications.tasks.outbox_flush_task"}'
    assert value(body, "rapport_periodic_task_late", flush) == 1  # 30 minutes, every 2
    assert (
        value(body, "rapport_periodic_task_late", '{task="reports.tasks.reports_dispatch_task"}')
        == 0
    )
    assert "process_cpu_seconds_total" in body or "python_info" in body
