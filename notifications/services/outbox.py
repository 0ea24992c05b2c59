"""The outbox: the one way the product sends e-mail.

Every e-mail the product sends goes through `outbox_enqueue` (`outbox_enqueue_rendered` for one
rendered already, such as django-allauth's), inside the caller's transaction:
the row exists exactly when the event that caused it was committed, and the send task is queued
only after that commit.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, InterfaceError, transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.permissions import is_staff_admin
from common.database import retry_when_locked
from common.errors import NotAllowed
from common.tasks import enqueue_after_commit
from notifications import mail
from notifications.mail import AcceptedNotRecorded, SendOutcome
from notifications.models import OutboxMessage
from notifications.permissions import can_resend_outbox_message
from notifications.signals import outbox_message_failed

if TYPE_CHECKING:
    from accounts.models import User


def outbox_enqueue(
    *,
    kind: str,
    to_email: str,
    language: str,
    template: str,
    context: dict[str, Any],
    to_user: User | None = None,
    dedupe_key: str | None = None,
    time_zone: str = "UTC",
    project_id: int | None = None,
    reply_to: str = "",
) -> OutboxMessage:
    """Write an e-mail to the outbox, rendered in `language`, and queue its sending after the
    current transaction commits. `template` names `<template>_subject.txt`, `<template>.txt`
    and, if it exists, `<template>.html`; dates in it show in `time_zone`. With a `dedupe_key`
    already used, returns the existing message instead of queueing a second one. `reply_to`
    becomes the Reply-To header, and the templates get it as `reply_to`.

    The e-mail is about `project_id`, or else about the `project` of the context (the e-mails
    about a project name it for their template): its PMs are told if it fails."""
    if project_id is None:
        project_id = _project_id_of(context)
    if dedupe_key:
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    context = {
        "site_url": settings.SITE_URL.rstrip("/"),
        "time_zone": time_zone,
        "reply_to": reply_to,
        **context,
    }
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(time_zone)):
        subject = render_to_string(f"{template}_subject.txt", context)
        body_text = render_to_string(f"{template}.txt", context)
        body_html: str
        try:
            body_html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            body_html = ""
    return outbox_enqueue_rendered(
        kind=kind,
        to_email=to_email,
        language=language,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        to_user=to_user,
        dedupe_key=dedupe_key,
        project_id=project_id,
        reply_to=reply_to,
    )


def _project_id_of(context: dict[str, Any]) -> int | None:
    project = context.get("project")
    project_id = getattr(project, "pk", None)
    return project_id if isinstance(project_id, int) else None


def outbox_enqueue_rendered(
    *,
    kind: str,
    to_email: str,
    language: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    to_user: User | None = None,
    dedupe_key: str | None = None,
    project_id: int | None = None,
    reply_to: str = "",
) -> OutboxMessage:
    """`outbox_enqueue` for an e-mail rendered already (in `language`), such as django-allauth's
    own: written to the outbox and queued after the current transaction commits."""
    if dedupe_key:
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin only loses this insert
            message = OutboxMessage.objects.create(
                kind=kind,
                to_email=to_email,
                to_user=to_user,
                language=language,
                subject=" ".join(subject.split()),
                body_text=body_text,
                body_html=body_html,
                message_id=OutboxMessage.new_message_id(),
                dedupe_key=dedupe_key,
                project_id=project_id,
                reply_to=reply_to,
            )
    except IntegrityError:
        existing = (
            OutboxMessage.objects.filter(dedupe_key=dedupe_key).first() if dedupe_key else None
        )
        if existing is None:
            raise
        return existing
    _queue_send(message.pk)
    return message


def _queue_send(message_id: int) -> None:
    from notifications.tasks import outbox_send_task

    # With the broker down the caller still succeeds: outbox_flush_task finds the row.
    enqueue_after_commit(outbox_send_task, message_id)


def outbox_retry_countdown(*, message_id: int) -> float:
    """Seconds until the next try recorded on the message (for the task's retry), at least 1."""
    return mail.retry_countdown(
        OutboxMessage.objects.filter(pk=message_id)
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def outbox_claim_stale_after() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_CLAIM_STALE_SECONDS)


def outbox_send(*, message_id: int, accepted_at: datetime | None = None) -> SendOutcome:
    """Send one outbox message through notifications.mail, in three steps of their own: claim
    the row (a short transaction), send it (no transaction open), record what happened (one
    guarded UPDATE).

    A message claimed by another sender returns BUSY (until the claim is older than
    OUTBOX_CLAIM_STALE_SECONDS: its sender died); a message already sent returns ALREADY_DONE.
    The send and the judgement of a refusal are notifications.mail's: a permanent refusal (5xx
    of the recipient or the message) is recorded with its reason and returns FAILED at once, for
    a staff admin to see and resend; a transient one (4xx, a connection error) returns RETRY (the
    caller retries with back-off) or, after OUTBOX_MAX_ATTEMPTS, FAILED. When the server
    accepted the message but the record fails, raises AcceptedNotRecorded: the caller calls
    again with its `accepted_at`, which only records the send (a message the server accepted is
    never sent again).
    """
    if accepted_at is not None:
        try:
            return _record_accepted(message_id, accepted_at)
        except (DatabaseError, InterfaceError) as error:
            raise AcceptedNotRecorded(accepted_at) from error  # still only to be recorded
    claimed = _claim(message_id)
    if isinstance(claimed, SendOutcome):
        return claimed
    message = claimed
    result = mail.send(
        mail.build(
            to=message.to_email,
            subject=message.subject,
            body_text=message.body_text,
            body_html=message.body_html,
            message_id=message.message_id,
            language=message.language,
            reply_to=message.reply_to,
        )
    )
    if not result.accepted:
        outcome, fields = mail.refusal_fields(
            result, attempts=message.attempts, max_attempts=settings.OUTBOX_MAX_ATTEMPTS
        )
        if outcome is SendOutcome.FAILED:
            fields["status"] = OutboxMessage.Status.FAILED
            _record_failed(message, fields)
        else:
            _record(message, fields)
        return outcome
    accepted_at = timezone.now()
    try:
        _record(
            message,
            {"status": OutboxMessage.Status.SENT, "sent_at": accepted_at, "next_attempt_at": None},
        )
    except (DatabaseError, InterfaceError) as error:
        raise AcceptedNotRecorded(accepted_at) from error
    return SendOutcome.SENT


@retry_when_locked
def _claim(message_id: int) -> SendOutcome | OutboxMessage:
    """Take the message for this sender: attempts + 1, `claimed_at` now. The row lock (SKIP
    LOCKED on PostgreSQL; SQLite's IMMEDIATE transaction takes the database's write lock) keeps
    two senders from claiming it together."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        )
        if message is None:
            exists = OutboxMessage.objects.filter(pk=message_id).exists()
            return SendOutcome.BUSY if exists else SendOutcome.ALREADY_DONE
        if message.status != OutboxMessage.Status.PENDING:
            return SendOutcome.ALREADY_DONE
        if message.claimed_at is not None and message.claimed_at > now - outbox_claim_stale_after():
            return SendOutcome.BUSY
        message.attempts += 1
        message.last_attempt_at = now
        message.claimed_at = now
        message.save(update_fields=["attempts", "last_attempt_at", "claimed_at"])
    return message


@retry_when_locked
def _record(message: OutboxMessage, fields: dict[str, Any]) -> int:
    """What happened to a claimed message, in one statement that also ends the claim; a claim
    taken back meanwhile (its sender was presumed dead) is left to its new sender. Returns 1
    when this sender recorded it, 0 when the claim was no longer its own."""
    return OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.PENDING, claimed_at=message.claimed_at
    ).update(claimed_at=None, **fields)


@retry_when_locked
def _record_failed(message: OutboxMessage, fields: dict[str, Any]) -> None:
    """Record a failure and, in the same transaction, tell who can fix it: only the sender
    whose guarded UPDATE turned the message FAILED sends `outbox_message_failed`, so a failure
    is told once, never per retry nor per concurrent sender."""
    with transaction.atomic():
        if _record(message, fields):
            failed = OutboxMessage.objects.defer("body_text", "body_html").get(pk=message.pk)
            outbox_message_failed.send(sender=OutboxMessage, message=failed)


@retry_when_locked
def _record_accepted(message_id: int, accepted_at: datetime) -> SendOutcome:
    """Record a send the SMTP server accepted earlier (see AcceptedNotRecorded)."""
    recorded = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxMessage.Status.PENDING
    ).update(
        status=OutboxMessage.Status.SENT,
        sent_at=accepted_at,
        next_attempt_at=None,
        claimed_at=None,
    )
    return SendOutcome.SENT if recorded else SendOutcome.ALREADY_DONE


def outbox_due_ids(*, grace: timedelta | None = None, limit: int = 500) -> list[int]:
    """Pending messages whose task should have run by now (lost by a broker or a crash), and
    none that a live sender holds. `grace`: how late a task may be before it counts as lost
    (OUTBOX_FLUSH_GRACE_SECONDS by default)."""
    now = timezone.now()
    cutoff = now - (
        grace if grace is not None else timedelta(seconds=settings.OUTBOX_FLUSH_GRACE_SECONDS)
    )
    return list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
        .filter(
            Q(next_attempt_at__lte=cutoff) | Q(next_attempt_at__isnull=True, created_at__lte=cutoff)
        )
        .exclude(claimed_at__gt=now - outbox_claim_stale_after())
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def outbox_resend(*, actor: User, message: OutboxMessage) -> OutboxMessage:
    """Send a failed (or sent) message again, as a new attempt series: a staff admin any
    message, a project's PM the messages about their project
    (notifications.permissions.can_resend_outbox_message)."""
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if not can_resend_outbox_message(actor, message):
        raise NotAllowed()
    message.status = OutboxMessage.Status.PENDING
    message.attempts = 0
    message.next_attempt_at = None
    message.sent_at = None
    message.claimed_at = None
    message.save(update_fields=["status", "attempts", "next_attempt_at", "sent_at", "claimed_at"])
    _queue_send(message.pk)
    return message


@transaction.atomic
def outbox_resend_failed(*, actor: User, since: datetime) -> int:
    """A staff admin sends again every message that failed since `since` (by its last attempt);
    returns how many were queued."""
    if not is_staff_admin(actor):
        raise NotAllowed()
    failed = list(
        OutboxMessage.objects.select_for_update()
        .filter(status=OutboxMessage.Status.FAILED, last_attempt_at__gte=since)
        .order_by("pk")
        .only("pk")
    )
    for message in failed:
        outbox_resend(actor=actor, message=message)
    return len(failed)
