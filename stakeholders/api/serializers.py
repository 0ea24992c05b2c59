from __future__ import annotations

from rest_framework import serializers

from projects.models import Visibility
from stakeholders.models import Confirmation, Requirement, RequirementVersion


class RequirementSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Requirement
        fields = [
            "id",
            "reference",
            "number",
            "title",
            "description",
            "source",
            "priority",
            "acceptance_notes",
            "visibility",
            "status",
            "status_reason",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RequirementDetailSerializer(RequirementSerializer):
    milestones = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    deliverables = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(RequirementSerializer.Meta):
        fields = [*RequirementSerializer.Meta.fields, "milestones", "deliverables"]
        read_only_fields = fields


class RequirementInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(
        choices=Requirement.Priority.choices, default=Requirement.Priority.SHOULD
    )
    acceptance_notes = serializers.CharField(required=False, allow_blank=True, default="")
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    milestones = serializers.ListField(child=serializers.IntegerField(), required=False)
    deliverables = serializers.ListField(child=serializers.IntegerField(), required=False)


class RequirementUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=Requirement.Priority.choices, required=False)
    acceptance_notes = serializers.CharField(required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    milestones = serializers.ListField(child=serializers.IntegerField(), required=False)
    deliverables = serializers.ListField(child=serializers.IntegerField(), required=False)


class TransitionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=["submit", "clarify", "start", "deliver", "accept", "defer", "reject"]
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ConfirmInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


class RequirementVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequirementVersion
        fields = [
            "number",
            "title",
            "description",
            "priority",
            "acceptance_notes",
            "visibility",
            "created_at",
        ]
        read_only_fields = fields


class ConfirmationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Confirmation
        fields = [
            "version",
            "title",
            "description",
            "priority",
            "acceptance_notes",
            "confirmed_by",
            "confirmed_at",
        ]
        read_only_fields = fields
