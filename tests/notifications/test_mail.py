"""The one mail path (notifications.mail): how a refusal is judged, the back-off, and sending
over a kept connection to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import smtplib
import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import mail
from notifications.mail import SendOutcome, Verdict
from tests.notifications.conftest import free_port

PERMANENT, TRANSIENT = Verdict.PERMANENT, Verdict.TRANSIENT


@pytest.mark.parametrize(
    ("error", "verdict"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x.test": (550, b"5.1.1 No such user")}), PERMANENT),
        (smtplib.SMTPRecipientsRefused({"a@x.test": (553, b"5.1.3 Bad address")}), PERMANENT),
        (smtplib.SMTPRecipientsRefused({"a@x.test": (450, b"4.2.1 Busy")}), TRANSIENT),
        (
            smtplib.SMTPRecipientsRefused(
                {"a@x.test": (550, b"5.1.1 No such user"), "b@x.test": (451, b"4.3.0 Later")}
            ),
            TRANSIENT,  # one recipient may still be reached
        ),
        (smtplib.SMTPDataError(554, b"5.7.1 Message rejected"), PERMANENT),
        (smtplib.SMTPDataError(451, b"4.3.0 Local problem"), TRANSIENT),
        (smtplib.SMTPDataError(421, b"4.7.0 Busy"), TRANSIENT),
        # A 5xx that is not about this message: every message shares it, so it is retried.
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"), TRANSIENT),
        (smtplib.SMTPSenderRefused(553, b"5.7.1 Sender refused", "noreply@x.test"), TRANSIENT),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), TRANSIENT),
        (ConnectionRefusedError(111, "Connection refused"), TRANSIENT),
        (TimeoutError("timed out"), TRANSIENT),
        (socket.gaierror(-2, "Name or service not known"), TRANSIENT),
    ],
)
def test_classify_permanent_only_for_a_5xx_refusal_of_the_recipient_or_the_message(error, verdict):
    assert mail.classify(error) is verdict
    result = mail.failure(error)
    assert result.verdict is verdict
    assert not result.accepted
    assert result.reason.startswith(f"{error.__class__.__name__}: ")


def test_refusal_fields_fail_a_permanent_refusal_at_once_and_retry_a_transient_one(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    permanent = mail.Result(PERMANENT, "SMTPRecipientsRefused: 550")
    transient = mail.Result(TRANSIENT, "SMTPDataError: 451")
    before = timezone.now()

    assert mail.refusal_fields(permanent, attempts=1, max_attempts=8) == (
        SendOutcome.FAILED,
        {"last_error": "SMTPRecipientsRefused: 550", "next_attempt_at": None},
    )
    outcome, fields = mail.refusal_fields(transient, attempts=1, max_attempts=8)
    assert outcome is SendOutcome.RETRY
    assert fields["last_error"] == "SMTPDataError: 451"
    assert before + timedelta(seconds=15) <= fields["next_attempt_at"]
    assert fields["next_attempt_at"] <= timezone.now() + timedelta(seconds=30)
    assert mail.refusal_fields(transient, attempts=8, max_attempts=8) == (
        SendOutcome.FAILED,
        {"last_error": "SMTPDataError: 451", "next_attempt_at": None},
    )


def test_retry_countdown_is_the_time_left_and_at_least_one_second(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    assert 55 <= mail.retry_countdown(timezone.now() + timedelta(minutes=1)) <= 60
    assert mail.retry_countdown(timezone.now() - timedelta(minutes=1)) == 1.0
    assert 15 <= mail.retry_countdown(None) <= 30


def message(number: int) -> mail.EmailMultiAlternatives:
    return mail.build(
        to=f"person{number}@example.test",
        subject=f"Subject {number}",
        body_text=f"Text {number}",
        body_html=f"<p>HTML {number}</p>",
        message_id=f"<m{number}@rapport.test>",
        language="zh-hans",
        attachments=[("note.txt", b"attached", "text/plain")],
    )


@pytest.fixture
def fresh_connection():
    mail.drop_connection()
    yield
    mail.drop_connection()


def test_send_keeps_one_connection_for_several_messages(smtp_server, fresh_connection):
    results = [mail.send(message(number)) for number in (1, 2, 3)]

    assert [result.verdict for result in results] == [Verdict.ACCEPTED] * 3
    received = smtp_server.received
    assert [m["Message-ID"] for m in received] == [f"<m{n}@rapport.test>" for n in (1, 2, 3)]
    assert received[0]["Content-Language"] == "zh-hans"
    assert [part.get_filename() for part in received[0].iter_attachments()] == ["note.txt"]
    assert len(set(smtp_server.handler.peers)) == 1  # one connection carried all three


@pytest.mark.parametrize(
    ("stage", "reply", "verdict"),
    [
        ("rcpt", "550 5.1.1 Mailbox unavailable", PERMANENT),
        ("rcpt", "450 4.2.1 Mailbox busy", TRANSIENT),
        ("data", "554 5.7.1 Message rejected", PERMANENT),
        ("data", "451 4.3.0 Local problem", TRANSIENT),
    ],
)
def test_send_judges_a_real_servers_refusal_and_opens_a_new_connection_after_it(
    smtp_server, fresh_connection, stage, reply, verdict
):
    getattr(smtp_server, f"refuse_{stage}")(reply, times=1)

    refused = mail.send(message(1))
    accepted = mail.send(message(2))

    assert refused.verdict is verdict
    assert reply.split()[0] in refused.reason
    assert accepted.verdict is Verdict.ACCEPTED
    assert [m["Message-ID"] for m in smtp_server.received] == ["<m2@rapport.test>"]


def test_send_to_a_server_that_is_down_is_transient(smtp_server, settings, fresh_connection):
    settings.EMAIL_PORT = free_port()  # nothing listens there

    result = mail.send(message(1))

    assert result.verdict is Verdict.TRANSIENT
    assert result.reason.startswith("ConnectionRefusedError")
    settings.EMAIL_PORT = smtp_server.port
    assert mail.send(message(2)).accepted
    assert [m["Message-ID"] for m in smtp_server.received] == ["<m2@rapport.test>"]
