from __future__ import annotations

from rest_framework import serializers

from accounts.api.serializers import OrganizationSerializer
from projects.models import (
    AcceptanceCriterion,
    AcceptanceRound,
    CriterionResult,
    Deliverable,
    Document,
    DocumentVersion,
    HealthStatus,
    Membership,
    Milestone,
    Objective,
    PhaseGate,
    Project,
    Visibility,
)


class ProjectSerializer(serializers.ModelSerializer):
    client = OrganizationSerializer(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "summary",
            "client",
            "start_date",
            "end_date",
            "is_archived",
        ]
        read_only_fields = fields


class MemberUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    email = serializers.EmailField()
    organization = serializers.CharField(source="organization.name", default=None)


class MembershipSerializer(serializers.ModelSerializer):
    user = MemberUserSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "role_label", "created_at"]
        read_only_fields = fields


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AcceptanceCriterion
        fields = ["id", "text", "position"]
        read_only_fields = fields


class DeliverableSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Deliverable
        fields = [
            "id",
            "milestone",
            "name",
            "status",
            "due_date",
            "visibility",
            "submitted_at",
            "accepted_at",
        ]
        read_only_fields = fields


class CriterionResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = CriterionResult
        fields = ["criterion", "passed", "reason"]
        read_only_fields = fields


class RoundSerializer(serializers.ModelSerializer):
    submitted_by = serializers.CharField(source="submitted_by.display_name", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.display_name", read_only=True, default=None
    )
    criterion_results = CriterionResultSerializer(many=True, read_only=True)

    class Meta:
        model = AcceptanceRound
        fields = [
            "number",
            "submitted_by",
            "submitted_at",
            "note",
            "deemed_acceptance_due",
            "decision",
            "decided_by",
            "decided_at",
            "comment",
            "criterion_results",
        ]
        read_only_fields = fields


class DeliverableSerializer(DeliverableSummarySerializer):
    criteria = CriterionSerializer(many=True, read_only=True)
    description = serializers.CharField(read_only=True)

    class Meta(DeliverableSummarySerializer.Meta):
        fields = [*DeliverableSummarySerializer.Meta.fields, "description", "criteria"]
        read_only_fields = fields


class MilestoneSerializer(serializers.ModelSerializer):
    deliverables = DeliverableSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "name",
            "description",
            "baseline_due_date",
            "due_date",
            "status",
            "completed_at",
            "visibility",
            "deliverables",
        ]
        read_only_fields = fields


class MilestoneInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    due_date = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.CLIENT)


class DeliverableInputSerializer(serializers.Serializer):
    milestone = serializers.IntegerField()
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    criteria = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, default=list
    )
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.CLIENT)


class QualityReviewInputSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class SubmitInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AcceptInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class FailedCriterionSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    reason = serializers.CharField(max_length=2000)


class RejectInputSerializer(serializers.Serializer):
    failed = FailedCriterionSerializer(many=True, required=False, default=list)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class PhaseGateSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.display_name", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.display_name", read_only=True, default=None
    )

    class Meta:
        model = PhaseGate
        fields = [
            "id",
            "from_phase",
            "to_phase",
            "checklist",
            "note",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "comment",
        ]
        read_only_fields = fields


class DocumentVersionSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.display_name", read_only=True)

    class Meta:
        model = DocumentVersion
        fields = [
            "number",
            "original_name",
            "size",
            "content_type",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "note",
            "acceptance_round",
        ]
        read_only_fields = fields


class GateRequestInputSerializer(serializers.Serializer):
    checked = serializers.ListField(child=serializers.CharField(max_length=300))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class GateDecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DocumentSerializer(serializers.ModelSerializer):
    versions = DocumentVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "milestone",
            "deliverable",
            "visibility",
            "current_version",
            "created_at",
            "versions",
        ]
        read_only_fields = fields


class DocumentUploadInputSerializer(serializers.Serializer):
    """Multipart: a file, and either `document` (a new version of it) or what the new document
    is (title, milestone, deliverable, visibility)."""

    file = serializers.FileField()
    document = serializers.IntegerField(required=False, allow_null=True, default=None)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    milestone = serializers.IntegerField(required=False, allow_null=True, default=None)
    deliverable = serializers.IntegerField(required=False, allow_null=True, default=None)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, default=Visibility.INTERNAL
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objective
        fields = ["id", "title", "target", "status", "position"]
        read_only_fields = fields


class ObjectiveInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    target = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(
        choices=Objective.Status.choices, default=Objective.Status.NOT_STARTED
    )


class MilestoneUpdateSerializer(serializers.Serializer):
    """PATCH: only the fields sent change; the baseline due date never does."""

    name = serializers.CharField(max_length=200, required=False)
    due_date = serializers.DateField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)


class HealthFindingSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HealthStatus.choices)
    reason = serializers.CharField()


class HealthOverrideSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HealthStatus.choices)
    reason = serializers.CharField()
    by = serializers.CharField(source="by.display_name", allow_null=True, default=None)
    until = serializers.DateField(allow_null=True)


class HealthSerializer(serializers.Serializer):
    """The team's view: RAG, the reasons, and the PM's override if one holds. A client gets
    `status` as on track / at risk / off track (green / amber / red) from what they may see,
    only the reasons they may read, and no override detail."""

    status = serializers.ChoiceField(choices=HealthStatus.choices)
    computed_status = serializers.ChoiceField(choices=HealthStatus.choices, allow_null=True)
    reasons = HealthFindingSerializer(many=True)
    override = HealthOverrideSerializer(allow_null=True)
