from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Min, Q, QuerySet

from accounts.permissions import is_staff_admin
from common.errors import NotFound
from notifications.models import Notification, OutboxMessage

if TYPE_CHECKING:
    from accounts.models import User


def notification_list_for(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at")


@dataclass(frozen=True)
class OutboxBacklog:
    pending: int
    oldest_pending_at: datetime | None
    failed: int


def outbox_backlog() -> OutboxBacklog:
    """Messages waiting to go out (and since when the oldest waits) and messages failed, in one
    query."""
    figures = OutboxMessage.objects.aggregate(
        pending=Count("pk", filter=Q(status=OutboxMessage.Status.PENDING)),
        oldest_pending_at=Min("created_at", filter=Q(status=OutboxMessage.Status.PENDING)),
        failed=Count("pk", filter=Q(status=OutboxMessage.Status.FAILED)),
    )
    return OutboxBacklog(
        pending=figures["pending"],
        oldest_pending_at=figures["oldest_pending_at"],
        failed=figures["failed"],
    )


def _failed_messages() -> QuerySet[OutboxMessage]:
    # Never the bodies: an account e-mail's text (a reset link) is its recipient's alone.
    return (
        OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED)
        .defer("body_text", "body_html")
        .order_by("-last_attempt_at", "-pk")
    )


def outbox_failed_list_for(*, user: User, since: datetime) -> QuerySet[OutboxMessage]:
    """Messages whose last attempt failed since `since`: every one for a staff admin, none for
    anybody else (a PM reads their project's with `outbox_failed_for_project`)."""
    if not is_staff_admin(user):
        return OutboxMessage.objects.none()
    return _failed_messages().filter(last_attempt_at__gte=since)


def outbox_failed_for_project(*, project_id: int) -> QuerySet[OutboxMessage]:
    """The failed messages about one project; the caller has checked that the reader is its PM
    or a staff admin."""
    return _failed_messages().filter(project_id=project_id)


def outbox_message_get(*, message_id: int) -> OutboxMessage:
    """One message without its bodies; NotFound when there is none. The caller's service
    checks who may act on it."""
    message = OutboxMessage.objects.defer("body_text", "body_html").filter(pk=message_id).first()
    if message is None:
        raise NotFound()
    return message
