"""The daily digest: a person's queued digest lines, e-mailed once per local day at 07:00."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from notifications.models import DigestItem, OutboxMessage

if TYPE_CHECKING:
    from accounts.models import User

from notifications.services.outbox import outbox_enqueue

DIGEST_LOCAL_TIME = time(7, 0)


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
