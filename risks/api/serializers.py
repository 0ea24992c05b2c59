"""Serializers of the risk API: separate input and output; the provider side's output adds the
internal note and the links, which the client's never has."""

from __future__ import annotations

from rest_framework import serializers

from projects.models import Visibility
from risks.models import Assessment, Category, Issue, MitigationAction, Risk, Strategy


class RiskMitigationActionSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(
        source="owner.display_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = MitigationAction
        fields = ["id", "text", "owner", "owner_name", "due_date", "is_done", "done_at"]


class RiskAssessmentSerializer(serializers.ModelSerializer):
    assessed_by = serializers.CharField(source="assessed_by.display_name", read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "probability",
            "impact",
            "score",
            "level",
            "residual_probability",
            "residual_impact",
            "residual_score",
            "residual_level",
            "note",
            "assessed_by",
            "assessed_at",
        ]


class RiskSerializer(serializers.ModelSerializer):
    """The list's row, as a client may see it."""

    reference = serializers.CharField(read_only=True)
    owner_name = serializers.CharField(
        source="owner.display_name", read_only=True, default=None, allow_null=True
    )
    is_client_raised = serializers.BooleanField(read_only=True)

    class Meta:
        model = Risk
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "category",
            "cause",
            "effect",
            "probability",
            "impact",
            "score",
            "level",
            "residual_probability",
            "residual_impact",
            "residual_score",
            "residual_level",
            "owner",
            "owner_name",
            "strategy",
            "contingency_plan",
            "trigger",
            "proximity",
            "next_review_date",
            "status",
            "closed_reason",
            "visibility",
            "is_client_raised",
            "assessed_at",
            "created_at",
        ]


class InternalRiskSerializer(RiskSerializer):
    class Meta(RiskSerializer.Meta):
        fields = [*RiskSerializer.Meta.fields, "internal_note"]


class RiskDetailSerializer(RiskSerializer):
    actions = RiskMitigationActionSerializer(many=True, read_only=True)
    assessments = RiskAssessmentSerializer(many=True, read_only=True)

    class Meta(RiskSerializer.Meta):
        fields = [*RiskSerializer.Meta.fields, "actions", "assessments"]


class InternalRiskDetailSerializer(RiskDetailSerializer):
    requirements = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    milestones = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    change_requests = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(RiskDetailSerializer.Meta):
        fields = [
            *RiskDetailSerializer.Meta.fields,
            "internal_note",
            "requirements",
            "milestones",
            "change_requests",
        ]


def _scale(**kwargs: object) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=5, **kwargs)  # type: ignore[arg-type]


class RiskInputSerializer(serializers.Serializer):
    """Raising a risk. A client's risk only takes the first five fields (the rest is ignored:
    the PM assesses it)."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    cause = serializers.CharField(required=False, allow_blank=True)
    effect = serializers.CharField(required=False, allow_blank=True)
    probability = _scale(required=False, allow_null=True)
    impact = _scale(required=False, allow_null=True)
    residual_probability = _scale(required=False, allow_null=True)
    residual_impact = _scale(required=False, allow_null=True)
    owner = serializers.IntegerField(required=False, allow_null=True)
    strategy = serializers.ChoiceField(choices=Strategy.choices, required=False, allow_blank=True)
    contingency_plan = serializers.CharField(required=False, allow_blank=True)
    trigger = serializers.CharField(required=False, allow_blank=True)
    proximity = serializers.DateField(required=False, allow_null=True)
    next_review_date = serializers.DateField(required=False, allow_null=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    internal_note = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    requirements = serializers.ListField(child=serializers.IntegerField(), required=False)
    milestones = serializers.ListField(child=serializers.IntegerField(), required=False)
    change_requests = serializers.ListField(child=serializers.IntegerField(), required=False)


class RiskUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    cause = serializers.CharField(required=False, allow_blank=True)
    effect = serializers.CharField(required=False, allow_blank=True)
    owner = serializers.IntegerField(required=False, allow_null=True)
    strategy = serializers.ChoiceField(choices=Strategy.choices, required=False, allow_blank=True)
    contingency_plan = serializers.CharField(required=False, allow_blank=True)
    trigger = serializers.CharField(required=False, allow_blank=True)
    proximity = serializers.DateField(required=False, allow_null=True)
    next_review_date = serializers.DateField(required=False, allow_null=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    internal_note = serializers.CharField(required=False, allow_blank=True)
    requirements = serializers.ListField(child=serializers.IntegerField(), required=False)
    milestones = serializers.ListField(child=serializers.IntegerField(), required=False)
    change_requests = serializers.ListField(child=serializers.IntegerField(), required=False)


class RiskAssessInputSerializer(serializers.Serializer):
    probability = _scale()
    impact = _scale()
    residual_probability = _scale(required=False, allow_null=True)
    residual_impact = _scale(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    next_review_date = serializers.DateField(required=False, allow_null=True)


class RiskActionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    owner = serializers.IntegerField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)


class RiskActionDoneInputSerializer(serializers.Serializer):
    done = serializers.BooleanField(default=True)


class RiskTransitionInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Risk.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    impact = serializers.CharField(required=False, allow_blank=True, default="")


class RiskHeatCellSerializer(serializers.Serializer):
    probability = serializers.IntegerField()
    impact = serializers.IntegerField()
    score = serializers.IntegerField()
    level = serializers.CharField()
    count = serializers.IntegerField()


class RiskExposureSerializer(serializers.Serializer):
    labels = serializers.ListField(child=serializers.CharField())
    score = serializers.ListField(child=serializers.IntegerField())
    levels = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()))


class RiskTimelineChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class RiskTimelineEntrySerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    who = serializers.CharField()
    kind = serializers.CharField()
    changes = RiskTimelineChangeSerializer(many=True)


class RiskIssueSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    owner_name = serializers.CharField(
        source="owner.display_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Issue
        fields = [
            "id",
            "reference",
            "risk",
            "title",
            "description",
            "impact",
            "owner",
            "owner_name",
            "status",
            "resolution",
            "created_at",
            "resolved_at",
        ]


class RiskIssueResolveInputSerializer(serializers.Serializer):
    resolution = serializers.CharField()


class RiskSettingsSerializer(serializers.Serializer):
    probability_scale = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=True), min_length=5, max_length=5
    )
    impact_scale = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=True), min_length=5, max_length=5
    )
    medium_from = serializers.IntegerField(min_value=2, max_value=25)
    high_from = serializers.IntegerField(min_value=2, max_value=25)
    critical_from = serializers.IntegerField(min_value=2, max_value=25)
    review_tolerance_days = serializers.IntegerField(min_value=0, max_value=365)
