from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.api.me import OrganizationSerializer
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
    Task,
    TaskDependency,
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
        source="decided_by.display_name", read_only=True, default=None, allow_null=True
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
        fields = [
            *DeliverableSummarySerializer.Meta.fields,
            "description",
            "criteria",
            "internally_accepted_at",
        ]
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
        source="decided_by.display_name", read_only=True, default=None, allow_null=True
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


# --- Tasks --------------------------------------------------------------------------------------


class TaskSerializer(serializers.ModelSerializer):
    assignee_name = serializers.CharField(
        source="assignee.display_name", read_only=True, default=None, allow_null=True
    )
    predecessors = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "name",
            "description",
            "parent",
            "milestone",
            "assignee",
            "assignee_name",
            "estimate_hours",
            "actual_hours",
            "start_date",
            "due_date",
            "status",
            "percent_complete",
            "visibility",
            "position",
            "predecessors",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Task) -> dict[str, Any]:
        data = super().to_representation(instance)
        visible = self.context.get("visible_ids")
        if visible is not None and data["parent"] not in visible:
            data["parent"] = None  # an internal parent is not even named to a client
        return data

    def get_predecessors(self, task: Task) -> list[int]:
        """Ids of the visible tasks this one depends on (finish-to-start)."""
        visible = self.context.get("predecessors")
        if visible is None:
            return []
        return visible.get(task.pk, [])


class TaskInputSerializer(serializers.Serializer):
    """Create (name required) or change a task; ids are looked up in the same project."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    parent = serializers.IntegerField(required=False, allow_null=True)
    milestone = serializers.IntegerField(required=False, allow_null=True)
    assignee = serializers.IntegerField(required=False, allow_null=True)
    estimate_hours = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    actual_hours = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, min_value=0
    )
    start_date = serializers.DateField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Task.Status.choices, required=False)
    percent_complete = serializers.IntegerField(required=False, min_value=0, max_value=100)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)


class DependencyInputSerializer(serializers.Serializer):
    predecessor = serializers.IntegerField(help_text="The task this one depends on.")


class DependencySerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskDependency
        fields = ["id", "predecessor", "successor", "kind"]
        read_only_fields = fields


class ScheduledTaskSerializer(serializers.Serializer):
    task = serializers.IntegerField(source="task_id")
    name = serializers.CharField()
    duration = serializers.IntegerField(help_text="Calendar days, start and due included.")
    early_start = serializers.DateField()
    early_finish = serializers.DateField()
    late_start = serializers.DateField()
    late_finish = serializers.DateField()
    slack = serializers.IntegerField(help_text="Total float in calendar days.")
    is_critical = serializers.BooleanField()


class ScheduleSerializer(serializers.Serializer):
    finish = serializers.DateField(allow_null=True)
    tasks = ScheduledTaskSerializer(many=True)
