"""Output and input serializers of the stakeholders API (separate, as everywhere)."""

from __future__ import annotations

from rest_framework import serializers

from projects.models import Visibility
from stakeholders.models import (
    ActionItem,
    Attitude,
    CommunicationItem,
    Meeting,
    MeetingDecision,
    RaciAssignment,
    RaciLetter,
    Side,
    Stakeholder,
)


class StakeholderSerializer(serializers.ModelSerializer):
    """A register entry as a client may see it: who the person is, not the team's analysis."""

    class Meta:
        model = Stakeholder
        fields = ["id", "name", "organisation", "role", "contact", "user", "visibility"]
        read_only_fields = fields


class InternalStakeholderSerializer(StakeholderSerializer):
    """The provider side's register entry: with influence, interest, attitude and strategy."""

    class Meta(StakeholderSerializer.Meta):
        fields = [
            *StakeholderSerializer.Meta.fields,
            "influence",
            "interest",
            "attitude",
            "engagement_strategy",
        ]
        read_only_fields = fields


class StakeholderInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=200, required=False, default="")
    role = serializers.CharField(max_length=200, required=False, default="")
    contact = serializers.CharField(max_length=200, required=False, default="")
    influence = serializers.IntegerField(min_value=1, max_value=5, default=3)
    interest = serializers.IntegerField(min_value=1, max_value=5, default=3)
    attitude = serializers.ChoiceField(choices=Attitude.choices, default=Attitude.NEUTRAL)
    engagement_strategy = serializers.CharField(required=False, default="", allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.INTERNAL)


class CommunicationItemSerializer(serializers.ModelSerializer):
    recipients = serializers.SerializerMethodField()

    class Meta:
        model = CommunicationItem
        fields = ["id", "what", "recipients", "sender", "channel", "frequency", "visibility"]

    def get_recipients(self, item: CommunicationItem) -> list[int]:
        return [stakeholder.pk for stakeholder in item.recipients.all()]


class CommunicationItemInputSerializer(serializers.Serializer):
    what = serializers.CharField(max_length=200)
    recipients = serializers.ListField(child=serializers.IntegerField(), default=list)
    channel = serializers.CharField(max_length=100, required=False, default="")
    frequency = serializers.CharField(max_length=100, required=False, default="")
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.CLIENT)


class RaciAssignmentSerializer(serializers.ModelSerializer):
    row = serializers.CharField(source="row_label")
    person = serializers.CharField(source="person_label")

    class Meta:
        model = RaciAssignment
        fields = [
            "id",
            "row",
            "work_area",
            "deliverable",
            "person",
            "stakeholder",
            "user",
            "letter",
        ]


class RaciInputSerializer(serializers.Serializer):
    letter = serializers.ChoiceField(choices=RaciLetter.choices)
    work_area = serializers.CharField(max_length=200, required=False, default="")
    deliverable = serializers.IntegerField(required=False, allow_null=True, default=None)
    stakeholder = serializers.IntegerField(required=False, allow_null=True, default=None)
    user = serializers.IntegerField(required=False, allow_null=True, default=None)


class MeetingDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingDecision
        fields = ["id", "text", "decided_by", "recorded_at"]


class ActionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItem
        fields = ["id", "meeting", "text", "owner", "due_date", "is_done", "done_at"]


class MeetingSerializer(serializers.ModelSerializer):
    """`minutes` is what the caller may read: empty for a client when they are internal.
    `attendees` and `stakeholder_attendees` are those the caller may see."""

    minutes = serializers.CharField(source="visible_minutes")
    decisions = MeetingDecisionSerializer(many=True)
    action_items = ActionItemSerializer(many=True)
    attendees = serializers.SerializerMethodField()
    stakeholder_attendees = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "visibility",
            "starts_at",
            "location",
            "attendees",
            "stakeholder_attendees",
            "agenda",
            "minutes",
            "minutes_visibility",
            "decisions",
            "action_items",
        ]

    def get_attendees(self, meeting: Meeting) -> list[int]:
        return [person.pk for person in meeting.attendees.all()]

    def get_stakeholder_attendees(self, meeting: Meeting) -> list[int]:
        return [stakeholder.pk for stakeholder in meeting.stakeholder_attendees.all()]


class MeetingInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.INTERNAL)
    starts_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=500, required=False, default="")
    agenda = serializers.CharField(required=False, default="", allow_blank=True)
    minutes = serializers.CharField(required=False, default="", allow_blank=True)
    minutes_visibility = serializers.ChoiceField(
        choices=Visibility.choices, default=Visibility.INTERNAL
    )


class DecisionInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    decided_by = serializers.ChoiceField(choices=Side.choices, default=Side.JOINT)


class ActionItemInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    owner = serializers.IntegerField()
    due_date = serializers.DateField(required=False, allow_null=True, default=None)


class ActionItemDoneSerializer(serializers.Serializer):
    is_done = serializers.BooleanField()


class DecisionLogEntrySerializer(serializers.Serializer):
    decided_at = serializers.DateTimeField()
    kind = serializers.CharField()
    text = serializers.CharField()
    decided_by = serializers.CharField()
    side = serializers.CharField()
    url = serializers.CharField()
