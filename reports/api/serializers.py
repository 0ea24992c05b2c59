"""Input and output serializers of the reports API."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import Language
from projects.models import CLIENT_ROLES
from reports.models import Cadence, Report, ReportDelivery, ReportSchedule


class ExtraRecipientSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=Language.choices, default=Language.ENGLISH)


class ReportScheduleSerializer(serializers.ModelSerializer):
    extra_recipients = ExtraRecipientSerializer(many=True, read_only=True)
    recipient_roles = serializers.ListField(child=serializers.CharField())
    client_time_zone = serializers.CharField(source="project.client.time_zone", read_only=True)

    class Meta:
        model = ReportSchedule
        fields = [
            "cadence",
            "weekday",
            "day_of_month",
            "hour",
            "client_time_zone",
            "is_active",
            "next_run_at",
            "recipient_roles",
            "communication_item",
            "extra_recipients",
        ]


class ReportScheduleInputSerializer(serializers.Serializer):
    """The PM's whole schedule."""

    cadence = serializers.ChoiceField(choices=Cadence.choices)
    weekday = serializers.IntegerField(min_value=0, max_value=6, default=0)
    day_of_month = serializers.IntegerField(min_value=1, max_value=31, default=1)
    hour = serializers.IntegerField(min_value=0, max_value=23)
    is_active = serializers.BooleanField(default=True)
    recipient_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(CLIENT_ROLES)), allow_empty=True
    )
    communication_item = serializers.IntegerField(required=False, allow_null=True, default=None)
    extra_recipients = ExtraRecipientSerializer(many=True, required=False, default=list)


class ReportRecipientsInputSerializer(serializers.Serializer):
    """The client side's part (a client admin, or the PM): on / paused and the recipients."""

    is_active = serializers.BooleanField(required=False)
    recipient_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(CLIENT_ROLES)), required=False
    )
    extra_recipients = ExtraRecipientSerializer(many=True, required=False)


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "period_start", "period_end", "trigger", "created_at"]


class ReportDetailSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "period_start", "period_end", "trigger", "created_at", "snapshot"]


class ReportDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportDelivery
        fields = [
            "id",
            "email",
            "name",
            "language",
            "status",
            "attempts",
            "last_error",
            "is_bounced",
            "next_attempt_at",
            "sent_at",
        ]


class ResendInputSerializer(serializers.Serializer):
    deliveries = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="ids; every failed one if empty"
    )


class ResendResultSerializer(serializers.Serializer):
    queued = serializers.IntegerField()
