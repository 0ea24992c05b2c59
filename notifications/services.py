"""The outbox and in-app notifications.

Every e-mail the product sends goes through `outbox_enqueue`, inside the caller's transaction:
the row exists exactly when the event that caused it was committed, and the send task is queued
only after that commit.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
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
from notifications import mail
from notifications.mail import AcceptedNotRecorded, SendOutcome
from notifications.models import (
    Channel,
    DigestItem,
    Notification,
    NotificationPreference,
    OutboxMessage,
)

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
) -> OutboxMessage:
    """Write an e-mail to the outbox, rendered in `language`, and queue its sending after the
    current transaction commits. `template` names `<template>_subject.txt`, `<template>.txt`
    and, if it exists, `<template>.html`; dates in it show in `time_zone`. With a `dedupe_key`
    already used, returns the existing message instead of queueing a second one."""
    if dedupe_key:
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    context = {"site_url": settings.SITE_URL.rstrip("/"), "time_zone": time_zone, **context}
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(time_zone)):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body_text = render_to_string(f"{template}.txt", context)
        body_html: str
        try:
            body_html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            body_html = ""
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin only loses this insert
            message = OutboxMessage.objects.create(
                kind=kind,
                to_email=to_email,
                to_user=to_user,
                language=language,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                message_id=OutboxMessage.new_message_id(),
                dedupe_key=dedupe_key,
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

    transaction.on_commit(lambda: outbox_send_task.delay(message_id))


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
        )
    )
    if not result.accepted:
        outcome, fields = mail.refusal_fields(
            result, attempts=message.attempts, max_attempts=settings.OUTBOX_MAX_ATTEMPTS
        )
        if outcome is SendOutcome.FAILED:
            fields["status"] = OutboxMessage.Status.FAILED
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
def _record(message: OutboxMessage, fields: dict[str, Any]) -> None:
    """What happened to a claimed message, in one statement that also ends the claim; a claim
    taken back meanwhile (its sender was presumed dead) is left to its new sender."""
    OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.PENDING, claimed_at=message.claimed_at
    ).update(claimed_at=None, **fields)


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


def outbox_due_ids(*, grace: timedelta = timedelta(minutes=2), limit: int = 500) -> list[int]:
    """Pending messages whose task should have run by now (lost by a broker or a crash), and
    none that a live sender holds."""
    now = timezone.now()
    cutoff = now - grace
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
    """A staff admin sends a failed (or sent) message again, as a new attempt series."""
    if not is_staff_admin(actor):
        raise NotAllowed()
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    message.status = OutboxMessage.Status.PENDING
    message.attempts = 0
    message.next_attempt_at = None
    message.sent_at = None
    message.claimed_at = None
    message.save(update_fields=["status", "attempts", "next_attempt_at", "sent_at", "claimed_at"])
    _queue_send(message.pk)
    return message


def notification_create(*, user: User, title: str, body: str = "", url: str = "") -> Notification:
    return Notification.objects.create(user=user, title=title, body=body, url=url)


def notifications_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of the user's notifications read; returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def notifications_prune(*, older_than: timedelta = timedelta(days=180)) -> int:
    deleted, _ = Notification.objects.filter(
        read_at__isnull=False, read_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


# --- Preferences and the daily digest ----------------------------------------------------------

DIGEST_LOCAL_TIME = time(7, 0)


def preference_channel(*, user: User, kind: str) -> str:
    channel = (
        NotificationPreference.objects.filter(user=user, kind=kind)
        .values_list("channel", flat=True)
        .first()
    )
    return channel or Channel.IMMEDIATE


def preferences_for(*, user: User) -> dict[str, str]:
    """Every kind with the person's channel (immediate where they chose nothing)."""
    from notifications.models import NOTIFICATION_KINDS

    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: chosen.get(kind, Channel.IMMEDIATE) for kind in NOTIFICATION_KINDS}


@transaction.atomic
def preferences_set(*, actor: User, channels: dict[str, str]) -> dict[str, str]:
    """The person's own choice per kind; unknown kinds or channels raise InvalidInput."""
    from common.errors import InvalidInput
    from notifications.models import NOTIFICATION_KINDS

    for kind, channel in channels.items():
        if kind not in NOTIFICATION_KINDS or channel not in Channel.values:
            raise InvalidInput()
    for kind, channel in channels.items():
        NotificationPreference.objects.update_or_create(
            user=actor, kind=kind, defaults={"channel": channel}
        )
    return preferences_for(user=actor)


def notify(
    *,
    user: User,
    kind: str,
    title: str,
    url: str,
    email_template: str,
    context: dict[str, Any],
    dedupe_key: str,
    outbox_kind: str = "",
    required: bool = False,
) -> Notification:
    """Tell one person about an event: always in the app; by e-mail as they chose for `kind`
    (at once through the outbox, in the daily digest, or not at all). The caller has already
    decided that `user` may see what `url` shows. `dedupe_key` makes a repeated event harmless
    (the e-mail and the digest line are keyed by it). `outbox_kind` names the event on the
    outbox row (defaults to `kind`); `required` marks a notice whose silence has consequences
    (a deliverable about to count as accepted): "off" then still e-mails it at once."""
    notification = notification_create(user=user, title=title, url=url)
    channel = preference_channel(user=user, kind=kind)
    if required and channel == Channel.OFF:
        channel = Channel.IMMEDIATE
    if channel == Channel.IMMEDIATE:
        outbox_enqueue(
            kind=outbox_kind or kind,
            to_email=user.email,
            to_user=user,
            language=user.language,
            time_zone=user.time_zone,
            template=email_template,
            context={"person": user, "title": title, "url": url, **context},
            dedupe_key=dedupe_key,
        )
    elif channel == Channel.DAILY_DIGEST:
        DigestItem.objects.get_or_create(
            dedupe_key=dedupe_key, defaults={"user": user, "kind": kind, "title": title, "url": url}
        )
    return notification


def _local_now(user: User, now: datetime) -> datetime:
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return now.astimezone(zone)


def digest_due_user_ids(*, now: datetime) -> list[int]:
    """People with queued digest lines for whom it is at or past 07:00 local time now."""
    from accounts.models import User as UserModel

    user_ids = (
        DigestItem.objects.filter(sent_at__isnull=True).values_list("user_id", flat=True).distinct()
    )
    people = UserModel.objects.filter(pk__in=user_ids, is_active=True)
    return [p.pk for p in people if _local_now(p, now).time() >= DIGEST_LOCAL_TIME]


def digest_send(*, user_id: int, now: datetime) -> OutboxMessage | None:
    """Write one person's digest for their local day, if due and not yet written today.

    The person's unsent lines are locked, so a concurrent twin waits and then finds them sent;
    the dedupe key digest:<user>:<local date> keeps it to one e-mail per local day. Lines that
    arrive after today's digest wait for tomorrow's."""
    from accounts.models import User as UserModel

    with transaction.atomic():
        user = (
            UserModel.objects.select_for_update(of=("self",))
            .filter(pk=user_id, is_active=True)
            .first()
        )
        if user is None:
            return None
        local = _local_now(user, now)
        if local.time() < DIGEST_LOCAL_TIME:
            return None
        local_day: date = local.date()
        key = f"digest:{user.pk}:{local_day.isoformat()}"
        if OutboxMessage.objects.filter(dedupe_key=key).exists():
            return None
        items = list(
            DigestItem.objects.select_for_update()
            .filter(user=user, sent_at__isnull=True, created_at__lte=now)
            .order_by("created_at", "pk")
        )
        if not items:
            return None
        message = outbox_enqueue(
            kind="digest",
            to_email=user.email,
            to_user=user,
            language=user.language,
            time_zone=user.time_zone,
            template="notifications/email/digest",
            context={"person": user, "items": items, "day": local_day},
            dedupe_key=key,
        )
        DigestItem.objects.filter(pk__in=[item.pk for item in items]).update(
            sent_at=now, digest=message
        )
        return message


def digests_send_due(*, now: datetime | None = None) -> int:
    """Every person whose digest is due; returns how many e-mails were written."""
    now = now or timezone.now()
    return sum(
        1 for user_id in digest_due_user_ids(now=now) if digest_send(user_id=user_id, now=now)
    )
