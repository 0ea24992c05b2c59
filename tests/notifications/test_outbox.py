"""The outbox against a real SMTP server: written with its cause, sent once, never lost."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from common.errors import NotAllowed
from notifications.models import OutboxMessage
from notifications.services.outbox import (
    SendOutcome,
    outbox_due_ids,
    outbox_enqueue,
    outbox_resend,
    outbox_send,
)
from notifications.tasks import outbox_send_task
from projects.models import Invitation, Role
from projects.services.invitations import invitation_create
from tests.factories import OrganizationFactory, ProjectFactory, UserFactory, add_member, enrol_totp
from tests.notifications.conftest import free_port

SEND_TASK = "notifications.tasks.outbox_send_task"


class Rollback(Exception):
    """Raised to roll a transaction back on purpose."""


def in_rolled_back_transaction(write: Callable[[], object]) -> None:
    with transaction.atomic():
        write()
        raise Rollback


def invite(actor: User, project, email: str = "new.rep@a.test") -> OutboxMessage:
    invitation = invitation_create(
        actor=actor, project=project, email=email, role=Role.CUSTOMER_REP
    )
    return OutboxMessage.objects.get(dedupe_key=f"invitation:{invitation.pk}")


def enqueue(number: int = 1, project=None, **extra) -> OutboxMessage:
    """A plain outbox message (the invitation template with a hand-made context)."""
    project = project or ProjectFactory(name=f"Project {number}")
    expires_at = timezone.now() + timedelta(days=7)
    return outbox_enqueue(
        kind="test",
        to_email=f"person{number}@example.test",
        language="en",
        template="projects/email/invitation",
        context={
            "project": project,
            "inviter": {"display_name": "Paula PM"},
            "role_label": "Customer representative",
            "url": "https://rapport.example.com/invitations/x/",
            "expires_at": expires_at,
            "has_account": False,
        },
        **extra,
    )


def row(message: OutboxMessage) -> dict:
    return OutboxMessage.objects.filter(pk=message.pk).values().get()


# --- Written with its cause -------------------------------------------------------------------


def test_enqueue_in_a_rolled_back_transaction_leaves_no_row_and_queues_nothing(
    pm, project, task_queue, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
    ):
        in_rolled_back_transaction(lambda: invite(pm, project))

    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert not Invitation.objects.exists()
    assert task_queue.tasks() == []


def test_committed_invitation_writes_the_email_in_english_and_queues_one_send(
    pm, project, task_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = invite(pm, project, email="New.Rep@A.test")

    assert len(callbacks) == 1
    assert task_queue.tasks() == [(SEND_TASK, [message.pk])]
    invitation = Invitation.objects.get()
    assert message.kind == "invitation"
    assert message.to_email == "new.rep@a.test"
    assert message.to_user is None
    assert message.language == "en"
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 0
    assert message.subject == "You are invited to A One"
    assert "Paula PM invited you to the project A One (Client A) as Customer representative." in (
        message.body_text
    )
    expires = timezone.localtime(invitation.expires_at, zoneinfo.ZoneInfo("UTC"))
    assert f"{expires:%Y}" in message.body_text
    assert "(UTC)" in message.body_text
    assert "/invitations/" in message.body_text
    assert message.body_html.startswith("<!doctype html>")
    assert message.message_id.startswith("<")
    assert message.message_id.endswith("@localhost>")


def test_email_to_a_chinese_client_is_rendered_in_chinese_in_their_time_zone(
    pm, task_queue, django_capture_on_commit_callbacks
):
    client = OrganizationFactory(name="华星制造", language="zh-hans", time_zone="Asia/Shanghai")
    chinese_project = ProjectFactory(client=client, code="hx", name="生产执行系统升级")
    add_member(chinese_project, pm, Role.PM)
    pm = User.objects.get(pk=pm.pk)  # its roles are cached per object

    with django_capture_on_commit_callbacks(execute=True):
        message = invite(pm, chinese_project, email="zhang@hx.test")

    invitation = Invitation.objects.get()
    local = timezone.localtime(invitation.expires_at, zoneinfo.ZoneInfo("Asia/Shanghai"))
    with translation.override("zh-hans"):
        subject = gettext("You are invited to %(project)s") % {"project": "生产执行系统升级"}
        call_to_action = gettext("Create your account and join here:")
    assert message.language == "zh-hans"
    assert message.subject == subject
    assert call_to_action in message.body_text
    # Django's Chinese date format, in Shanghai time.
    assert f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}" in message.body_text
    assert "Asia/Shanghai" in message.body_text
    assert task_queue.tasks() == [(SEND_TASK, [message.pk])]


def test_dedupe_key_never_writes_or_queues_a_second_message(
    db, task_queue, django_capture_on_commit_callbacks
):
    projects = ProjectFactory(name="Project 1"), ProjectFactory(name="Project 2")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = enqueue(1, projects[0], dedupe_key="report:7:person1")
        second = enqueue(2, projects[1], dedupe_key="report:7:person1")

    assert second.pk == first.pk
    assert second.to_email == "person1@example.test"
    assert OutboxMessage.objects.count() == 1
    assert len(callbacks) == 1
    assert task_queue.tasks() == [(SEND_TASK, [first.pk])]


# --- Sent once --------------------------------------------------------------------------------


def test_sending_twice_delivers_exactly_one_email_with_the_message_id(pm, project, smtp_server):
    message = invite(pm, project)

    outcomes = [outbox_send(message_id=message.pk), outbox_send(message_id=message.pk)]

    assert outcomes == [SendOutcome.SENT, SendOutcome.ALREADY_DONE]
    [received] = smtp_server.received
    assert received["Message-ID"] == message.message_id
    assert received["To"] == "new.rep@a.test"
    assert received["Subject"] == "You are invited to A One"
    assert received["Content-Language"] == "en"
    text = received.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.strip() == message.body_text.strip()
    assert received.get_body(("html",)) is not None
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    assert message.last_error == ""
    assert message.next_attempt_at is None


def test_running_the_send_task_twice_delivers_exactly_one_email(pm, project, smtp_server):
    message = invite(pm, project)

    results = [outbox_send_task.apply(args=[message.pk]).get() for _ in range(2)]

    assert results == ["sent", "already_done"]
    [received] = smtp_server.received
    assert received["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.sent_at is not None


def test_send_of_an_unknown_message_is_already_done(db, smtp_server):
    assert outbox_send(message_id=987654) is SendOutcome.ALREADY_DONE
    assert smtp_server.received == []


# --- Refused: kept with its reason, retried ---------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "reply", "code"),
    [
        ("rcpt", "450 4.2.1 Mailbox busy, try later", "450"),
        ("data", "451 4.3.0 Local problem, try later", "451"),
    ],
)
def test_transient_refusal_stays_pending_with_the_reason_and_is_sent_once_accepted(
    pm, project, smtp_server, stage, reply, code
):
    message = invite(pm, project)
    getattr(smtp_server, f"refuse_{stage}")(reply)
    before = timezone.now()

    outcome = outbox_send(message_id=message.pk)

    assert outcome is SendOutcome.RETRY
    assert smtp_server.received == []
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert code in message.last_error
    assert message.last_error.startswith("SMTP")
    assert message.next_attempt_at > before
    assert message.next_attempt_at > message.last_attempt_at >= before
    assert message.sent_at is None

    smtp_server.accept()
    assert outbox_send(message_id=message.pk) is SendOutcome.SENT

    [received] = smtp_server.received
    assert received["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert message.next_attempt_at is None


@pytest.mark.parametrize(
    ("stage", "reply", "error"),
    [
        ("rcpt", "550 5.1.1 Mailbox unavailable", "SMTPRecipientsRefused"),
        ("data", "554 5.7.1 Message rejected", "SMTPDataError"),
    ],
)
def test_permanent_refusal_fails_the_message_at_the_first_attempt_with_the_reason(
    pm, project, smtp_server, settings, stage, reply, error
):
    settings.OUTBOX_MAX_ATTEMPTS = 8
    message = invite(pm, project)
    getattr(smtp_server, f"refuse_{stage}")(reply)

    outcomes = [outbox_send(message_id=message.pk) for _ in range(2)]

    assert outcomes == [SendOutcome.FAILED, SendOutcome.ALREADY_DONE]
    assert smtp_server.received == []
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 1
    assert message.last_error.startswith(error)
    assert reply.split()[0] in message.last_error
    assert message.next_attempt_at is None
    assert message.sent_at is None
    assert message.claimed_at is None


def test_retry_delay_grows_from_the_configured_base_and_is_never_zero(db, settings):
    from notifications.mail import RETRY_MAX_SECONDS, retry_delay

    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    for _ in range(50):
        assert 15 <= retry_delay(1) <= 30
        # The first ten tries at most a minute apart (a short outage), then doubling.
        assert 30 <= retry_delay(3) <= 60
        assert 30 <= retry_delay(10) <= 60
        assert 60 <= retry_delay(11) <= 120
        assert 480 <= retry_delay(14) <= 960
        assert RETRY_MAX_SECONDS // 2 <= retry_delay(20) <= RETRY_MAX_SECONDS
    settings.OUTBOX_RETRY_BASE_SECONDS = 1
    assert {retry_delay(1) for _ in range(20)} == {1}


def test_after_max_attempts_a_transient_refusal_is_failed(pm, project, smtp_server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = invite(pm, project)
    smtp_server.refuse_rcpt("451 4.3.0 Try again later")

    outcomes = [outbox_send(message_id=message.pk) for _ in range(3)]

    assert outcomes == [SendOutcome.RETRY, SendOutcome.FAILED, SendOutcome.ALREADY_DONE]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 2
    assert "451" in message.last_error
    assert message.next_attempt_at is None
    assert message.sent_at is None
    assert smtp_server.received == []


def test_smtp_server_down_is_a_retry_with_the_connection_error_and_the_message_kept(
    pm, project, smtp_server, settings
):
    message = invite(pm, project)
    settings.EMAIL_PORT = free_port()  # nothing listens there

    outcome = outbox_send(message_id=message.pk)

    assert outcome is SendOutcome.RETRY
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.next_attempt_at > timezone.now()
    assert message.subject == "You are invited to A One"
    assert message.body_text

    settings.EMAIL_PORT = smtp_server.port
    assert outbox_send(message_id=message.pk) is SendOutcome.SENT
    assert [m["Message-ID"] for m in smtp_server.received] == [message.message_id]


# --- Resent by a staff admin ------------------------------------------------------------------


@pytest.fixture
def failed_message(pm, project, smtp_server, settings) -> OutboxMessage:
    """A message refused for good (550): failed at its first attempt."""
    settings.OUTBOX_MAX_ATTEMPTS = 8
    message = invite(pm, project)
    smtp_server.refuse_rcpt("550 5.1.1 No such user")
    assert outbox_send(message_id=message.pk) is SendOutcome.FAILED
    smtp_server.accept()
    message.refresh_from_db()
    return message


def test_staff_admin_resend_puts_a_failed_message_back_and_it_is_sent(
    failed_message, staff_admin, smtp_server, task_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outbox_resend(actor=staff_admin, message=failed_message)

    assert len(callbacks) == 1
    assert task_queue.tasks() == [(SEND_TASK, [failed_message.pk])]
    failed_message.refresh_from_db()
    assert failed_message.status == OutboxMessage.Status.PENDING
    assert failed_message.attempts == 0

    assert outbox_send(message_id=failed_message.pk) is SendOutcome.SENT
    [received] = smtp_server.received
    assert received["Message-ID"] == failed_message.message_id
    failed_message.refresh_from_db()
    assert failed_message.status == OutboxMessage.Status.SENT
    assert failed_message.attempts == 1


# The project's PM may resend it too (tests/notifications/test_failure_notice.py).
@pytest.mark.parametrize("who", ["am", "rep", "client_admin", "outsider"])
def test_resend_by_anyone_else_is_not_allowed_and_changes_nothing(
    request, who, failed_message, smtp_server, task_queue, django_capture_on_commit_callbacks
):
    actor = request.getfixturevalue(who)
    before = row(failed_message)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(NotAllowed),
    ):
        outbox_resend(actor=actor, message=failed_message)

    assert row(failed_message) == before
    assert callbacks == []
    assert task_queue.tasks() == []
    assert smtp_server.received == []


# --- Lost tasks are found again ---------------------------------------------------------------


def test_due_ids_are_pending_messages_past_the_grace_period(db):
    now = timezone.now()
    old_new = enqueue(1)
    fresh = enqueue(2)
    old_sent = enqueue(3)
    retry_due = enqueue(4)
    retry_later = enqueue(5)
    retry_just_now = enqueue(6)
    old_failed = enqueue(7)
    long_ago = now - timedelta(minutes=10)
    OutboxMessage.objects.filter(
        pk__in=[old_new.pk, old_sent.pk, retry_due.pk, retry_later.pk, old_failed.pk]
    ).update(created_at=long_ago)
    OutboxMessage.objects.filter(pk=old_sent.pk).update(status="sent", sent_at=long_ago)
    OutboxMessage.objects.filter(pk=old_failed.pk).update(status="failed")
    OutboxMessage.objects.filter(pk=retry_due.pk).update(
        attempts=1, next_attempt_at=now - timedelta(minutes=3)
    )
    OutboxMessage.objects.filter(pk=retry_later.pk).update(
        attempts=1, next_attempt_at=now + timedelta(minutes=5)
    )
    OutboxMessage.objects.filter(pk=retry_just_now.pk).update(
        attempts=1, next_attempt_at=now - timedelta(seconds=30)
    )

    assert outbox_due_ids() == [old_new.pk, retry_due.pk]
    assert outbox_due_ids(limit=1) == [old_new.pk]
    assert fresh.pk in outbox_due_ids(grace=timedelta(0))
    assert retry_just_now.pk in outbox_due_ids(grace=timedelta(0))
    assert retry_later.pk not in outbox_due_ids(grace=timedelta(0))


# --- The admin's "Send again" action ----------------------------------------------------------


def changelist() -> str:
    return reverse("admin:notifications_outboxmessage_changelist")


def test_staff_admin_sees_the_outbox_in_the_admin(client, staff_admin, failed_message):
    client.force_login(staff_admin)

    response = client.get(changelist())

    assert response.status_code == 200
    assert failed_message.to_email in response.content.decode()


def test_staff_admin_finds_a_permanently_refused_message_among_the_failed_with_its_reason(
    client, staff_admin, failed_message
):
    client.force_login(staff_admin)

    failed = client.get(changelist(), {"status__exact": "failed"})
    pending = client.get(changelist(), {"status__exact": "pending"})
    detail = client.get(
        reverse("admin:notifications_outboxmessage_change", args=[failed_message.pk])
    )

    assert failed_message.to_email in failed.content.decode()
    assert failed_message.to_email not in pending.content.decode()
    assert detail.status_code == 200
    assert "SMTPRecipientsRefused" in detail.content.decode()
    assert "(550, b&#x27;5.1.1 No such user&#x27;)" in detail.content.decode()


def test_staff_admin_resends_from_the_admin(
    client, staff_admin, failed_message, smtp_server, task_queue, django_capture_on_commit_callbacks
):
    client.force_login(staff_admin)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            changelist(),
            {"action": "resend", "_selected_action": [failed_message.pk], "index": "0"},
        )

    assert response.status_code == 302
    assert response["Location"] == changelist()
    assert len(callbacks) == 1
    assert task_queue.tasks() == [(SEND_TASK, [failed_message.pk])]
    failed_message.refresh_from_db()
    assert failed_message.status == OutboxMessage.Status.PENDING
    assert failed_message.attempts == 0
    assert outbox_send(message_id=failed_message.pk) is SendOutcome.SENT
    assert [m["Message-ID"] for m in smtp_server.received] == [failed_message.message_id]


def test_anonymous_is_sent_to_the_product_login_for_the_admin(client, failed_message):
    response = client.get(changelist())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["pm", "am", "teammate", "rep", "client_admin", "outsider"])
def test_others_cannot_see_or_resend_from_the_admin(
    client, request, who, failed_message, task_queue, django_capture_on_commit_callbacks
):
    client.force_login(request.getfixturevalue(who))
    before = row(failed_message)

    listing = client.get(changelist())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        action = client.post(
            changelist(),
            {"action": "resend", "_selected_action": [failed_message.pk], "index": "0"},
        )

    for response in (listing, action):
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("admin:login"))
    assert failed_message.to_email not in listing.content.decode()
    assert row(failed_message) == before
    assert callbacks == []
    assert task_queue.tasks() == []


def test_staff_admin_without_superuser_flag_can_resend_from_the_admin(
    client, provider, failed_message, task_queue, django_capture_on_commit_callbacks
):
    admin_user = UserFactory(
        email="ops@provider.test", organization=provider, is_staff=True, is_superuser=False
    )
    enrol_totp(admin_user)
    client.force_login(admin_user)

    listing = client.get(changelist())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        action = client.post(
            changelist(),
            {"action": "resend", "_selected_action": [failed_message.pk], "index": "0"},
        )

    assert listing.status_code == 200
    assert failed_message.to_email in listing.content.decode()
    assert action.status_code == 302
    assert len(callbacks) == 1
    assert task_queue.tasks() == [(SEND_TASK, [failed_message.pk])]
    failed_message.refresh_from_db()
    assert failed_message.status == OutboxMessage.Status.PENDING
