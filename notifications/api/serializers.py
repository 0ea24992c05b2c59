from __future__ import annotations

from rest_framework import serializers

from notifications.models import NOTIFICATION_KINDS, Channel


class PreferencesSerializer(serializers.Serializer):
    """One field per kind of notification, each with its e-mail channel."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            kind: serializers.ChoiceField(choices=Channel.choices, required=False)
            for kind in NOTIFICATION_KINDS
        }
