"""API serializers for surveys: output serializers per resource, input serializers per write.
Follow-up notes are internal: only the provider side's serializers carry them, and clients never
reach follow-ups at all."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from feedback.models import (
    Campaign,
    CampaignTrigger,
    DetractorFollowUp,
    QuestionKind,
    SurveyAnswer,
    SurveyAutomation,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
    Topic,
)


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveyQuestion
        fields = [
            "id",
            "position",
            "kind",
            "topic",
            "text",
            "text_zh_hans",
            "choices",
            "is_required",
        ]


class TemplateSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = SurveyTemplate
        fields = ["id", "name", "description", "is_default", "is_archived", "questions"]


class TemplateInputSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    is_default = serializers.BooleanField(required=False, default=False)


class QuestionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField()
    text_zh_hans = serializers.CharField(required=False, allow_blank=True, default="")
    topic = serializers.ChoiceField(
        choices=Topic.choices, required=False, allow_blank=True, default=""
    )
    choices = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)),
        required=False,
        default=list,
        help_text='[{"en": "...", "zh-hans": "..."}]',
    )
    is_required = serializers.BooleanField(required=False, default=True)


class CampaignSerializer(serializers.ModelSerializer):
    template_name = serializers.CharField(source="template.name", read_only=True)
    invited = serializers.IntegerField(read_only=True)
    answered = serializers.IntegerField(read_only=True)
    skipped = serializers.IntegerField(read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "project",
            "name",
            "template",
            "template_name",
            "trigger",
            "status",
            "deliverable",
            "opens_at",
            "closes_at",
            "reminder_after_days",
            "reminder_max",
            "sent_at",
            "closed_at",
            "invited",
            "answered",
            "skipped",
        ]


class CampaignInputSerializer(serializers.Serializer):
    name = serializers.CharField()
    template = serializers.PrimaryKeyRelatedField(
        queryset=SurveyTemplate.objects.filter(is_archived=False)
    )
    opens_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    closes_at = serializers.DateTimeField()
    reminder_after_days = serializers.IntegerField(required=False, default=5)
    reminder_max = serializers.IntegerField(required=False, default=2)


class AutomationSerializer(serializers.ModelSerializer):
    trigger = serializers.ChoiceField(choices=CampaignTrigger.choices, read_only=True)

    class Meta:
        model = SurveyAutomation
        fields = [
            "id",
            "project",
            "template",
            "trigger",
            "open_days",
            "reminder_after_days",
            "reminder_max",
            "interval_months",
            "next_run_on",
            "is_active",
        ]


class AutomationInputSerializer(serializers.Serializer):
    template = serializers.PrimaryKeyRelatedField(
        queryset=SurveyTemplate.objects.filter(is_archived=False)
    )
    trigger = serializers.ChoiceField(
        choices=CampaignTrigger.choices, help_text="Not manual: automations start by themselves."
    )
    open_days = serializers.IntegerField(required=False, default=14)
    reminder_after_days = serializers.IntegerField(required=False, default=5)
    reminder_max = serializers.IntegerField(required=False, default=2)
    interval_months = serializers.IntegerField(required=False, allow_null=True, default=None)
    first_run_on = serializers.DateField(required=False, allow_null=True, default=None)


class InvitationSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.display_name", read_only=True)
    response = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = SurveyInvitation
        fields = [
            "id",
            "person",
            "email",
            "language",
            "skipped_reason",
            "sent_at",
            "first_opened_at",
            "open_count",
            "reminders_sent",
            "last_reminded_at",
            "responded_at",
            "unsubscribed_at",
            "response",
        ]

    def to_representation(self, instance: SurveyInvitation) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["response"] = getattr(getattr(instance, "response", None), "pk", None)
        return data


class AnswerSerializer(serializers.ModelSerializer):
    question_text = serializers.CharField(source="question.text", read_only=True)
    kind = serializers.CharField(source="question.kind", read_only=True)
    topic = serializers.CharField(source="question.topic", read_only=True)

    class Meta:
        model = SurveyAnswer
        fields = ["question", "question_text", "kind", "topic", "rating", "choices", "text"]


class ResponseSerializer(serializers.ModelSerializer):
    respondent = serializers.CharField(source="respondent.display_name", read_only=True)
    client = serializers.CharField(source="project.client.name", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    campaign_name = serializers.CharField(source="campaign.name", read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = SurveyResponse
        fields = [
            "id",
            "campaign",
            "campaign_name",
            "project",
            "project_name",
            "client",
            "respondent",
            "nps",
            "csat",
            "language",
            "submitted_at",
            "updated_at",
            "answers",
        ]


class FollowUpSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.display_name", read_only=True, default=None)
    closed_by = serializers.CharField(source="closed_by.display_name", read_only=True, default=None)
    client = serializers.CharField(source="project.client.name", read_only=True)
    respondent = serializers.CharField(source="response.respondent.display_name", read_only=True)
    nps = serializers.IntegerField(source="response.nps", read_only=True)
    csat = serializers.IntegerField(source="response.csat", read_only=True)

    class Meta:
        model = DetractorFollowUp
        fields = [
            "id",
            "response",
            "project",
            "client",
            "respondent",
            "nps",
            "csat",
            "owner",
            "status",
            "opened_at",
            "closed_at",
            "closed_by",
            "note",
        ]


class FollowUpCloseInputSerializer(serializers.Serializer):
    note = serializers.CharField()


class MySurveySerializer(serializers.ModelSerializer):
    """A client user's own invitation: the survey's questions and the link to answer."""

    campaign_name = serializers.CharField(source="campaign.name", read_only=True)
    project = serializers.IntegerField(source="campaign.project_id", read_only=True)
    project_name = serializers.CharField(source="campaign.project.name", read_only=True)
    closes_at = serializers.DateTimeField(source="campaign.closes_at", read_only=True)
    questions = QuestionSerializer(source="campaign.template.questions", many=True, read_only=True)
    survey_url = serializers.SerializerMethodField()

    class Meta:
        model = SurveyInvitation
        fields = [
            "id",
            "campaign_name",
            "project",
            "project_name",
            "closes_at",
            "responded_at",
            "questions",
            "survey_url",
        ]

    def get_survey_url(self, invitation: SurveyInvitation) -> str:
        from django.urls import reverse

        from feedback.surveys.tokens import invitation_token

        return reverse("feedback:survey_answer", kwargs={"token": invitation_token(invitation)})


class RespondInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text='{"<question id>": 9, "<question id>": [0, 2], "<question id>": "text"}',
    )


class DashboardQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    client = serializers.IntegerField(required=False)
    pm = serializers.IntegerField(required=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise serializers.ValidationError(
                {"end": [_("The end of the period is before its start.")]}
            )
        return data
