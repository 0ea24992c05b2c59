"""The staff admins' operations page: the broker's queue, the workers, the outbox, failed e-mails
and status-report e-mails with their resend buttons, the periodic tasks; and who may open it."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from notifications.models import OutboxMessage
from notifications.services.outbox import outbox_enqueue_rendered
from notifications.tasks import outbox_flush_task, outbox_send_task
from operations.models import PeriodicTaskRun
from reports.models import Report, ReportDelivery
from tests.factories import ProjectFactory
from tests.helpers import count_queries, logged_in
from tests.notifications.conftest import free_port

PAGE = "operations:overview"
SEND_TASK = "notifications.tasks.outbox_send_task"


def failed_message(number: int, *, kind: str = "test", body: str = "Body") -> OutboxMessage:
    message = outbox_enqueue_rendered(
        kind=kind,
        to_email=f"gone{number}@example.test",
        language="en",
        subject=f"Subject {number}",
        body_text=body,
    )
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.FAILED,
        attempts=3,
        last_error=f"550 5.1.1 No such user {number}",
        last_attempt_at=timezone.now() - timedelta(hours=number),
    )
    return message


def failed_delivery(project, email: str = "bounced@a.test") -> ReportDelivery:
    report = Report.objects.create(
        project=project,
        period_start=date(2026, 1, 5),
        period_end=date(2026, 1, 12),
        trigger=Report.Trigger.MANUAL,
        snapshot={},
    )
    return ReportDelivery.objects.create(
        report=report,
        email=email,
        language="en",
        status=ReportDelivery.Status.FAILED,
        attempts=1,
        is_bounced=True,
        last_error="550 5.1.1 Mailbox unavailable",
        message_id=ReportDelivery.new_message_id(),
    )


def test_staff_admin_sees_queue_outbox_failures_reports_and_periodic_tasks(
    staff_admin, project, task_queue
):
    for number in (1, 2, 3):
        outbox_send_task.apply_async(args=[1000 + number])
    pending = outbox_enqueue_rendered(
        kind="test", to_email="wait@example.test", language="en", subject="Waits", body_text="x"
    )
    OutboxMessage.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - timedelta(minutes=90)
    )
    failed_message(1)
    old = failed_message(24 * 8)  # failed eight days ago: not on the page
    failed_delivery(project)
    outbox_flush_task.apply()  # a periodic task succeeds: its run is recorded
    PeriodicTaskRun.objects.create(
        task="reports.tasks.report_deliveries_sweep_task",
        last_success_at=timezone.now() - timedelta(minutes=30),
    )

    response = logged_in(staff_admin).get(reverse(PAGE))

    assert response.status_code == 200
    html = response.content.decode()
    html = html.replace("\xa0", " ")  # timesince keeps "1 hour" on one line
    assert f"{task_queue.name}: 4" in html  # three, and the flush queued the waiting e-mail
    assert "no worker answered" in html  # no worker consumes the test's broker
    assert "1 hour, 30 minutes" in html  # the oldest pending e-mail's wait
    assert "gone1@example.test" in html
    assert "Subject 1" in html
    assert "550 5.1.1 No such user 1" in html
    assert old.to_email not in html
    assert "bounced@a.test" in html
    assert "550 5.1.1 Mailbox unavailable" in html
    assert project.name in html
    assert PeriodicTaskRun.objects.filter(task="notifications.tasks.outbox_flush_task").exists()
    flush_row = html.split('data-testid="periodic-outbox-flush"')[1].split("</tr>")[0]
    assert "0 minutes ago" in flush_row
    assert "late" not in flush_row
    sweep_row = html.split('data-testid="periodic-reports-sweep"')[1].split("</tr>")[0]
    assert "30 minutes ago" in sweep_row
    assert "<td>30 seconds</td>" in sweep_row  # its interval
    assert "late" in sweep_row
    digest_row = html.split('data-testid="periodic-notifications-digest"')[1].split("</tr>")[0]
    assert "never" in digest_row
    assert 'data-testid="nav-operations"' in html


def test_an_account_e_mail_is_listed_without_its_text(staff_admin):
    failed_message(1, kind="account:password_reset_key", body="SECRET-RESET-LINK")

    html = logged_in(staff_admin).get(reverse(PAGE)).content.decode()

    assert "gone1@example.test" in html
    assert "SECRET-RESET-LINK" not in html


@pytest.mark.parametrize("who", ["pm", "am", "teammate", "outsider"])
def test_other_provider_people_are_refused_and_see_nothing(request, who, staff_admin):
    failed_message(1)
    user = request.getfixturevalue(who)
    client = logged_in(user)

    response = client.get(reverse(PAGE))
    home = client.get(reverse("projects:list"))

    assert response.status_code == 403
    assert b"gone1@example.test" not in response.content
    assert b'data-testid="nav-operations"' not in home.content


@pytest.mark.parametrize("who", ["client_admin", "rep", "viewer"])
def test_client_people_are_sent_to_the_portal(request, who, db):
    failed_message(1)
    response = logged_in(request.getfixturevalue(who)).get(reverse(PAGE))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_resend_puts_a_failed_e_mail_back_in_the_queue(
    staff_admin, task_queue, django_capture_on_commit_callbacks
):
    message = failed_message(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(staff_admin).post(
            reverse("operations:outbox_resend", args=[message.pk])
        )

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 0
    assert task_queue.tasks() == [(SEND_TASK, [message.pk])]


def test_resend_all_failed_requeues_those_of_the_last_seven_days(
    staff_admin, task_queue, django_capture_on_commit_callbacks
):
    recent = [failed_message(1), failed_message(30)]
    old = failed_message(24 * 8)

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(staff_admin).post(
            reverse("operations:outbox_resend_failed"), follow=True
        )

    assert "2 e-mails are queued to be sent again." in response.content.decode()
    statuses = dict(OutboxMessage.objects.values_list("pk", "status"))
    assert [statuses[m.pk] for m in recent] == [OutboxMessage.Status.PENDING] * 2
    assert statuses[old.pk] == OutboxMessage.Status.FAILED
    assert sorted(args[0] for _name, args in task_queue.tasks()) == sorted(m.pk for m in recent)


def test_resend_of_a_failed_report_e_mail_requeues_the_delivery(
    staff_admin, project, task_queue, django_capture_on_commit_callbacks
):
    delivery = failed_delivery(project)

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(staff_admin).post(
            reverse("operations:report_delivery_resend", args=[delivery.pk])
        )

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == ReportDelivery.Status.QUEUED
    assert delivery.is_bounced is False
    assert task_queue.tasks() == [("reports.tasks.report_deliver_task", [delivery.report_id])]


@pytest.mark.parametrize("who", ["pm", "am"])
def test_the_buttons_refuse_anyone_but_a_staff_admin(request, who, project, task_queue):
    message = failed_message(1)
    delivery = failed_delivery(project)
    client = logged_in(request.getfixturevalue(who))

    answers = [
        client.post(reverse("operations:outbox_resend", args=[message.pk])).status_code,
        client.post(reverse("operations:outbox_resend_failed")).status_code,
        client.post(reverse("operations:report_delivery_resend", args=[delivery.pk])).status_code,
    ]

    assert answers == [403, 403, 403]
    message.refresh_from_db()
    delivery.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert delivery.status == ReportDelivery.Status.FAILED
    assert task_queue.tasks() == []


def test_the_buttons_answer_only_post(staff_admin):
    message = failed_message(1)

    response = logged_in(staff_admin).get(reverse("operations:outbox_resend", args=[message.pk]))

    assert response.status_code == 405


@pytest.fixture
def broker_down(settings):
    """The broker (and the cache) on a port of 127.0.0.1 where nothing listens."""
    closed = f"redis://127.0.0.1:{free_port()}/0"
    previous = celery_app.conf.broker_url
    settings.CELERY_BROKER_URL = closed
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.FailOpenRedisCache",
            "LOCATION": closed,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    celery_app.conf.broker_url = closed
    try:
        yield closed
    finally:
        celery_app.conf.broker_url = previous


def test_the_page_answers_quickly_with_the_broker_unreachable(staff_admin, broker_down):
    failed_message(1)
    client = logged_in(staff_admin)

    started = time.monotonic()
    response = client.get(reverse(PAGE))
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    html = response.content.decode()
    queue_card = html.split('data-testid="queue-depth"')[1].split('data-testid="workers"')[0]
    assert "unavailable" in queue_card
    workers_card = html.split('data-testid="workers"')[1].split('data-testid="outbox-backlog"')[0]
    assert "unavailable" in workers_card
    assert "gone1@example.test" in html  # the database's part still shows
    assert elapsed < 5


def test_the_page_reads_the_same_number_of_queries_whatever_the_number_of_failures(
    staff_admin, project
):
    client = logged_in(staff_admin)
    failed_message(1)
    failed_delivery(project, "one@a.test")
    few = count_queries(client, reverse(PAGE), warm=True)
    for number in range(2, 8):
        failed_message(number)
    for index in range(6):
        failed_delivery(ProjectFactory(client=project.client), f"r{index}@a.test")

    many = count_queries(client, reverse(PAGE))

    assert many == few
