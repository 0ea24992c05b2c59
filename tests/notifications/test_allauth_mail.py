"""django-allauth's e-mails (the password reset link, security notices) go through the outbox:
written in the recipient's language, sent by the worker, and an SMTP outage neither fails the
page nor loses the e-mail."""

from __future__ import annotations

import logging

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.urls import reverse
from django.utils import translation

from notifications.adapters import allauth_kind
from notifications.models import OutboxMessage
from notifications.services.outbox import SendOutcome, outbox_send
from tests.factories import DEFAULT_PASSWORD
from tests.notifications.conftest import RecordingHandler, free_port

SEND_TASK = "notifications.tasks.outbox_send_task"
RESET_KIND = "account:password_reset_key"


@pytest.fixture
def smtp_down(settings, caplog):
    """The SMTP settings of a server on a free port of 127.0.0.1 that is not started yet:
    `start()` brings it up on that port."""
    caplog.set_level(logging.WARNING, logger="mail.log")  # aiosmtpd logs every command
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    handler = RecordingHandler()
    controllers: list[Controller] = []

    class Server:
        def start(self) -> RecordingHandler:
            controller = Controller(handler, hostname="127.0.0.1", port=settings.EMAIL_PORT)
            controller.start()
            controllers.append(controller)
            return handler

    yield Server()
    for controller in controllers:
        controller.stop()


def test_kinds_name_allauths_emails_and_fit_the_column():
    assert allauth_kind("account/email/password_reset_key") == RESET_KIND
    assert allauth_kind("mfa/email/recovery_codes_generated") == "mfa:recovery_codes_generated"
    assert len(allauth_kind("account/email/" + "x" * 80)) == 40


def test_reset_request_during_an_smtp_outage_answers_and_the_email_is_sent_once_later(
    rep, smtp_down, task_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/accounts/password/reset/", {"email": "REP@a.test"})

    assert (response.status_code, response["Location"]) == (302, "/accounts/password/reset/done/")
    message = OutboxMessage.objects.get()
    assert task_queue.tasks() == [(SEND_TASK, [message.pk])]
    assert (message.kind, message.to_user, message.language) == (RESET_KIND, rep, "en")
    assert message.subject == "[Rapport] Password Reset Email"
    assert "/accounts/password/reset/key/" in message.body_text
    assert message.dedupe_key is None

    assert outbox_send(message_id=message.pk) is SendOutcome.RETRY  # the server is down
    message.refresh_from_db()
    assert message.last_error.startswith("ConnectionRefusedError")

    handler = smtp_down.start()
    assert outbox_send(message_id=message.pk) is SendOutcome.SENT
    assert outbox_send(message_id=message.pk) is SendOutcome.ALREADY_DONE

    [received] = handler.received
    assert received["To"] == "rep@a.test"  # the address on the account
    assert received["Subject"] == "[Rapport] Password Reset Email"
    assert received["Message-ID"] == message.message_id
    assert "/accounts/password/reset/key/" in received.get_body(("plain",)).get_content()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


def test_the_reset_link_from_the_outbox_sets_a_new_password(rep, client):
    client.post("/accounts/password/reset/", {"email": rep.email})
    link = next(
        word
        for word in OutboxMessage.objects.get(kind=RESET_KIND).body_text.split()
        if "/accounts/password/reset/key/" in word
    )

    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"password1": "another-long-passphrase", "password2": "another-long-passphrase"},
    )

    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.check_password("another-long-passphrase")
    assert not rep.check_password(DEFAULT_PASSWORD)


def test_two_reset_requests_are_two_emails(rep, client):
    client.post("/accounts/password/reset/", {"email": rep.email})
    client.post("/accounts/password/reset/", {"email": rep.email})

    assert OutboxMessage.objects.filter(kind=RESET_KIND, to_user=rep).count() == 2


def test_the_reset_email_is_in_the_persons_language_whatever_the_browser(rep, client):
    rep.language = "zh-hans"
    rep.save(update_fields=["language"])

    client.post("/accounts/password/reset/", {"email": rep.email}, HTTP_ACCEPT_LANGUAGE="en")

    message = OutboxMessage.objects.get(kind=RESET_KIND)
    with translation.override("zh-hans"):
        subject = translation.gettext("Password Reset Email")
    assert subject == "密码重置邮件"
    assert message.language == "zh-hans"
    assert message.subject == f"[Rapport] {subject}"


def test_an_address_without_an_account_is_told_so_in_the_visitors_language(db, client):
    response = client.post(
        "/accounts/password/reset/", {"email": "nobody@a.test"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert (message.kind, message.to_email, message.to_user) == (
        "account:unknown_account",
        "nobody@a.test",
        None,
    )
    assert message.language == "zh-hans"


def test_a_password_change_notice_goes_through_the_outbox_too(rep, settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    client = Client()
    client.force_login(rep)

    client.post(
        "/accounts/password/change/",
        {
            "oldpassword": DEFAULT_PASSWORD,
            "password1": "x-new-passphrase-9",
            "password2": "x-new-passphrase-9",
        },
    )

    message = OutboxMessage.objects.get()
    assert (message.kind, message.to_user) == ("account:password_changed", rep)


def test_a_staff_admin_sees_a_reset_email_in_the_outbox_but_not_its_link(rep, staff_admin, client):
    Client().post("/accounts/password/reset/", {"email": rep.email})
    message = OutboxMessage.objects.get(kind=RESET_KIND)
    link = next(word for word in message.body_text.split() if "/password/reset/key/" in word)
    client.force_login(staff_admin)

    detail = client.get(reverse("admin:notifications_outboxmessage_change", args=[message.pk]))

    page = detail.content.decode()
    assert detail.status_code == 200
    assert "Password Reset Email" in page
    assert rep.email in page
    assert link not in page
    assert "/password/reset/key/" not in page
