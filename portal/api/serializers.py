from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class WaitingItemSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    key = serializers.CharField()
    title = serializers.CharField()
    project = serializers.IntegerField()
    project_name = serializers.CharField()
    since = serializers.DateTimeField()
    due = serializers.DateField(allow_null=True)
    url = serializers.CharField()
    has_action = serializers.BooleanField()


class WaitingActionInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.CharField(max_length=40)
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)

    def validate_kind(self, value: str) -> str:
        from portal.decisions import has_action

        if not has_action(value):
            raise serializers.ValidationError(
                _("This kind of item has no single-click action: open it instead.")
            )
        return value


class WaitingActionResultSerializer(serializers.Serializer):
    remaining = serializers.IntegerField()


class AuditEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    who = serializers.CharField()
    action = serializers.CharField()
    what = serializers.CharField()
    url = serializers.CharField()
