"""With the Celery broker down, a request that queues work still succeeds: its effect and the row
the task would process are committed, the failure is logged, and once the broker is back the
sweepers deliver each e-mail exactly once. The broker is a private redis-server that the test
stops and starts again; the worker runs in a thread of the test process."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from feedback.models import Campaign, FeedbackTicket
from feedback.tasks import survey_campaigns_tick_task
from notifications.models import OutboxMessage
from notifications.tasks import outbox_flush_task
from stakeholders.models import ChangeRequest
from tests.feedback.surveys.helpers import make_template
from tests.helpers import logged_in
from tests.notifications.test_outbox_worker import wait_until

pytestmark = pytest.mark.usefixtures("transactional_db")


def _as_if_lost_minutes_ago() -> None:
    """The flush leaves messages younger than its grace alone (their task may still come)."""
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=10))


def _flush_and_deliver(smtp_server) -> list[OutboxMessage]:
    """The beat's outbox flush with the broker back, a worker sending; each message once."""
    pending = list(OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING))
    assert pending, "nothing was written to the outbox"
    with start_worker(
        celery_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10
    ):
        _as_if_lost_minutes_ago()
        outbox_flush_task.delay()
        wait_until(
            lambda: not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
        )
        outbox_flush_task.delay()  # a second flush finds nothing left to send
        time.sleep(0.5)  # room for a duplicate to show up, if there were one
    ids = [received["Message-ID"] for received in smtp_server.received]
    assert sorted(ids) == sorted(message.message_id for message in pending)  # once each
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    return pending


@pytest.fixture(autouse=True)
def _warnings_captured(caplog):
    # A test worker sets the root logger to ERROR; the warnings of common.tasks are wanted here.
    caplog.set_level(logging.WARNING, logger="common.tasks")


def _warned_about(caplog, task_name: str) -> bool:
    return any(
        record.levelno == logging.WARNING and task_name in record.getMessage()
        for record in caplog.records
        if record.name == "common.tasks"
    )


def test_a_complaint_raised_with_the_broker_down_is_kept_and_its_emails_sent_later(
    cast, private_broker, smtp_server, caplog
):
    client = logged_in(cast.rep)
    private_broker.stop()

    response = client.post(
        f"/api/v1/projects/{cast.project.pk}/feedback-tickets/",
        {"kind": "complaint", "title": "Labels smudge", "severity": "high"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert FeedbackTicket.objects.filter(title="Labels smudge").exists()
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
    assert _warned_about(caplog, "outbox_send_task")

    private_broker.start()
    _flush_and_deliver(smtp_server)


def test_a_change_request_raised_on_the_portal_page_with_the_broker_down_is_kept(
    cast, private_broker, smtp_server, caplog
):
    client = logged_in(cast.rep)
    private_broker.stop()

    response = client.post(
        reverse("portal:change_requests", args=[cast.project.pk]), {"title": "Add a night shift"}
    )

    assert response.status_code == 302, response.content
    assert ChangeRequest.objects.filter(title="Add a night shift").exists()
    assert _warned_about(caplog, "outbox_send_task")

    private_broker.start()
    _flush_and_deliver(smtp_server)


def test_a_survey_sent_with_the_broker_down_goes_out_with_the_next_tick(
    am, rep, project, private_broker, smtp_server, caplog
):
    template = make_template(am)
    client = logged_in(am)
    private_broker.stop()

    response = client.post(
        f"/api/v1/projects/{project.pk}/survey-campaigns/",
        {
            "name": "Pulse",
            "template": template.pk,
            "closes_at": (timezone.now() + timedelta(days=7)).isoformat(),
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    campaign = Campaign.objects.get(name="Pulse")
    assert campaign.status == Campaign.Status.SCHEDULED  # its send task was not queued
    assert _warned_about(caplog, "campaign_send_task")

    private_broker.start()
    survey_campaigns_tick_task()  # the beat's tick sends what is due (its e-mails are queued)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    sent = _flush_and_deliver(smtp_server)
    assert [message.to_email for message in sent] == [rep.email]
