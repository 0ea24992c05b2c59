"""The header's number of unread notifications, read on every page: kept in the cache per
person, and forgotten whenever one of their notifications is created, read or deleted (the
receivers below, and `notifications_mark_read`), at once and again when the transaction commits,
so that a page read between the two cannot keep the old number."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from notifications.models import Notification

BADGE_SECONDS = 300


def _key(user_id: object) -> str:
    return f"unread-notifications:{user_id}"


def unread_count(user: Any) -> int:
    key = _key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, BADGE_SECONDS)
    return int(count)


def unread_count_forget(user_id: object) -> None:
    cache.delete(_key(user_id))
    transaction.on_commit(lambda: cache.delete(_key(user_id)))


def _on_notification_changed(sender: Any, instance: Notification, **kwargs: Any) -> None:
    unread_count_forget(instance.user_id)


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(
            _on_notification_changed,
            sender=Notification,
            dispatch_uid=f"notifications-badge-{signal is post_save}",
        )
