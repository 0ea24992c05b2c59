"""In-app notifications, and `notify`: how one person is told of an event (in the app always,
by e-mail as they chose: at once, in the daily digest or not at all)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from notifications.badge import unread_count_forget
from notifications.models import Channel, DigestItem, Notification

if TYPE_CHECKING:
    from accounts.models import User

from notifications.services.outbox import outbox_enqueue
from notifications.services.preferences import preference_channel


def notification_create(*, user: User, title: str, body: str = "", url: str = "") -> Notification:
    return Notification.objects.create(user=user, title=title, body=body, url=url)


def notifications_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of the user's notifications read; returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    marked = unread.update(read_at=timezone.now())
    unread_count_forget(user.pk)  # an update sends no signal
    return marked


def notifications_prune(*, older_than: timedelta = timedelta(days=180)) -> int:
    deleted, _ = Notification.objects.filter(
        read_at__isnull=False, read_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


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
    reply_to: str = "",
) -> Notification:
    """Tell one person about an event: always in the app; by e-mail as they chose for `kind`
    (at once through the outbox, in the daily digest, or not at all). The caller has already
    decided that `user` may see what `url` shows. `dedupe_key` makes a repeated event harmless
    (the e-mail and the digest line are keyed by it). `outbox_kind` names the event on the
    outbox row (defaults to `kind`); `required` marks a notice whose silence has consequences
    (a deliverable about to count as accepted): "off" then still e-mails it at once.
    `reply_to` is the e-mail's Reply-To (a discussion's reply address; a digest has none)."""
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
            reply_to=reply_to,
        )
    elif channel == Channel.DAILY_DIGEST:
        DigestItem.objects.get_or_create(
            dedupe_key=dedupe_key, defaults={"user": user, "kind": kind, "title": title, "url": url}
        )
    return notification
