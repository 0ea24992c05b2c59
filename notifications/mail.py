"""The one mail path: every e-mail Rapport sends (the outbox's and the status reports') is built,
sent and judged here; each sender claims and records its own rows.

- `build`: an `EmailMultiAlternatives` with the row's stable `Message-ID` (a copy sent again
  carries the same one, so that receiving servers and clients can recognise it).
- `send` / `send_raw`: over the worker thread's SMTP connection, kept open between messages
  (one that the server closed meanwhile is opened again once; any other failure drops it).
  Other backends (the file backend of the embedded default, the test backend) get a fresh
  connection each time.
- `classify`: a refusal of the recipient or of the message with an SMTP 5xx reply is
  PERMANENT (failed at once: trying again gets the same answer); a 4xx reply, a refused or
  dropped connection, a timeout, and a 5xx that is not about this message (authentication, the
  sender address: the server's or the settings' problem, which every message shares) are
  TRANSIENT (retried with `retry_delay`'s back-off until the sender's maximum).
- `refusal_fields`: what a sender records after a refusal, the same rule for both.
- `AcceptedNotRecorded`: the server accepted a message but recording it failed; the caller
  records it later with the time of the accept and never sends it again.
"""

from __future__ import annotations

import contextlib
import enum
import secrets
import smtplib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone

RETRY_MAX_SECONDS = 3600
RETRY_QUICK_ATTEMPTS = 10
RETRY_QUICK_MAX_SECONDS = 60


class SendOutcome(enum.Enum):
    """What a sender did with one row."""

    SENT = "sent"
    ALREADY_DONE = "already_done"
    BUSY = "busy"
    RETRY = "retry"
    FAILED = "failed"


class Verdict(enum.Enum):
    """What the SMTP server made of one message."""

    ACCEPTED = "accepted"
    PERMANENT = "permanent"
    TRANSIENT = "transient"


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    reason: str = ""  # "<exception class>: <reply>", for `last_error`

    @property
    def accepted(self) -> bool:
        return self.verdict is Verdict.ACCEPTED


class AcceptedNotRecorded(Exception):
    """The SMTP server accepted a message, but recording the send failed (the database was
    locked or unreachable). The caller records it later with `accepted_at` — it never sends the
    message again."""

    def __init__(self, accepted_at: datetime) -> None:
        super().__init__(f"accepted at {accepted_at.isoformat()}, not yet recorded")
        self.accepted_at = accepted_at


# --- Building ---------------------------------------------------------------------------------


def build(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str,
    message_id: str,
    language: str,
    attachments: Iterable[tuple[str, bytes, str]] = (),
    reply_to: str = "",
) -> EmailMultiAlternatives:
    """One recipient's e-mail: text, HTML if any, attachments (name, content, MIME type), and
    a Reply-To header when `reply_to` is given."""
    email = EmailMultiAlternatives(
        subject=subject,
        body=body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers={"Message-ID": message_id, "Content-Language": language},
    )
    if body_html:
        email.attach_alternative(body_html, "text/html")
    for name, content, mimetype in attachments:
        email.attach(name, content, mimetype)
    return email


# --- Judging ----------------------------------------------------------------------------------


def classify(error: BaseException) -> Verdict:
    """PERMANENT for a 5xx refusal of the recipient (every recipient, when there are several)
    or of the message after DATA; TRANSIENT for anything else (see the module's docstring)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        permanent = bool(codes) and all(code >= 500 for code in codes)
        return Verdict.PERMANENT if permanent else Verdict.TRANSIENT
    if isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500:
        return Verdict.PERMANENT
    return Verdict.TRANSIENT


def failure(error: BaseException) -> Result:
    return Result(classify(error), f"{error.__class__.__name__}: {error}"[:2000])


def retry_delay(attempts: int) -> int:
    """Seconds before the next try, with jitter over its upper half, so that a refused message
    never comes straight back (at least one second) and many refused together spread out.

    The first RETRY_QUICK_ATTEMPTS tries come at most a minute apart (from
    OUTBOX_RETRY_BASE_SECONDS, 30 s): mail held back by a short outage — a mail server restarting
    or answering 451 for a while — goes out within a minute of its return. After them the delay
    doubles up to an hour: with 16 tries in all, a message is given up after about an hour."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    quick_max = max(RETRY_QUICK_MAX_SECONDS, base)
    if attempts <= RETRY_QUICK_ATTEMPTS:
        ceiling = min(quick_max, base * 2 ** max(attempts - 1, 0))
    else:
        ceiling = min(RETRY_MAX_SECONDS, quick_max * 2 ** (attempts - RETRY_QUICK_ATTEMPTS))
    return max(1, ceiling - secrets.randbelow(ceiling // 2 + 1))


def retry_countdown(next_attempt_at: datetime | None) -> float:
    """Seconds until a retry recorded for `next_attempt_at` (for a task's retry), at least 1."""
    if next_attempt_at is None:
        return float(retry_delay(1))
    return max(1.0, (next_attempt_at - timezone.now()).total_seconds())


def refusal_fields(
    result: Result, *, attempts: int, max_attempts: int
) -> tuple[SendOutcome, dict[str, Any]]:
    """The outcome and the fields to record after a refusal, for a row tried `attempts` times
    (this try included): a permanent refusal, or a transient one at the maximum, is FAILED
    (`next_attempt_at` cleared); otherwise RETRY at now + `retry_delay`. The caller adds its
    own status field for the retry."""
    fields: dict[str, Any] = {"last_error": result.reason}
    if result.verdict is Verdict.PERMANENT or attempts >= max_attempts:
        fields["next_attempt_at"] = None
        return SendOutcome.FAILED, fields
    fields["next_attempt_at"] = timezone.now() + timedelta(seconds=retry_delay(attempts))
    return SendOutcome.RETRY, fields


# --- Sending: one SMTP connection per worker thread, kept open between messages ---------------

_local = threading.local()


def keeps_connection() -> bool:
    """Whether messages go over a kept SMTP connection (and so may be sent as raw bytes)."""
    return settings.EMAIL_BACKEND.endswith("smtp.EmailBackend")


def _connection_key() -> tuple[Any, ...]:
    return (
        settings.EMAIL_BACKEND,
        getattr(settings, "EMAIL_HOST", None),
        getattr(settings, "EMAIL_PORT", None),
        getattr(settings, "EMAIL_HOST_USER", None),
        getattr(settings, "EMAIL_FILE_PATH", None),
    )


def _connection() -> Any:
    if not keeps_connection():
        return get_connection(fail_silently=False)
    key = _connection_key()
    cached = getattr(_local, "connection", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    drop_connection()
    connection = get_connection(fail_silently=False)
    connection.open()
    _local.connection = (key, connection)
    return connection


def drop_connection() -> None:
    """Close this thread's kept connection (the next message opens a new one)."""
    cached = getattr(_local, "connection", None)
    _local.connection = None
    if cached is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            cached[1].close()


def _over_connection(transmit: Callable[[Any], None]) -> Result:
    try:
        try:
            transmit(_connection())
        except smtplib.SMTPServerDisconnected:  # closed by the server meanwhile: nothing sent
            drop_connection()
            transmit(_connection())
    except (smtplib.SMTPException, OSError) as error:
        drop_connection()
        return failure(error)
    return Result(Verdict.ACCEPTED)


def send(email: EmailMultiAlternatives) -> Result:
    """Send one e-mail and say what the server made of it."""

    def over(connection: Any) -> None:
        email.connection = connection
        email.send(fail_silently=False)

    return _over_connection(over)


def send_raw(from_email: str, to: str, data: bytes) -> Result:
    """`send` for a message already flattened to bytes (SMTP backend only)."""
    return _over_connection(
        lambda connection: connection.connection.sendmail(from_email, [to], data)
    )
