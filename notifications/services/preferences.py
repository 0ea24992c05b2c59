"""A person's choice, per kind of notice, of how they are e-mailed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from notifications.models import Channel, NotificationPreference

if TYPE_CHECKING:
    from accounts.models import User


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
