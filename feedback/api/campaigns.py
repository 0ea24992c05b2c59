"""API for a project's survey campaigns (with their invitations) and automations."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.errors import NotFound
from common.serializers import ModelSerializer
from feedback.models import (
    Campaign,
    CampaignTrigger,
    SurveyAutomation,
    SurveyInvitation,
    SurveyResponse,
    SurveyTemplate,
)
from feedback.selectors.surveys import (
    automation_list_for,
    campaign_get_for,
    campaign_list_for,
    invitation_list_for,
)
from feedback.services.automations import automation_create, automation_stop
from feedback.services.campaigns import campaign_close, campaign_create
from projects.api.base import ProjectScopedViewSet


class CampaignSerializer(ModelSerializer):
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
    name = serializers.CharField(max_length=200)
    template = serializers.PrimaryKeyRelatedField(
        queryset=SurveyTemplate.objects.filter(is_archived=False)
    )
    opens_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    closes_at = serializers.DateTimeField()
    reminder_after_days = serializers.IntegerField(required=False, default=5)
    reminder_max = serializers.IntegerField(required=False, default=2)


class AutomationSerializer(ModelSerializer):
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


class InvitationSerializer(ModelSerializer):
    person = serializers.CharField(source="person.display_name", read_only=True)
    response: serializers.PrimaryKeyRelatedField[SurveyResponse] = (
        serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    )

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


class CampaignViewSet(ProjectScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """A project's survey campaigns (its PM and AM; staff admins read)."""

    request: AuthenticatedRequest

    serializer_class = CampaignSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {
        "list": "feedback.read_survey_results",
        "retrieve": "feedback.read_survey_results",
        "invitations": "feedback.read_survey_results",
        "create": "feedback.manage_surveys",
        "close": "feedback.manage_surveys",
    }

    def get_queryset(self) -> QuerySet[Campaign]:
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        return campaign_list_for(user=self.request.user, project=self.project)

    def get_object(self) -> Campaign:
        return campaign_get_for(
            user=self.request.user, project=self.project, campaign_id=int(self.kwargs["pk"])
        )

    @extend_schema(request=CampaignInputSerializer, responses={201: CampaignSerializer})
    def create(self, request: Request, project_pk: str) -> Response:
        data = CampaignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = campaign_create(
            actor=self.request.user, project=self.project, **data.validated_data
        )
        return Response(
            CampaignSerializer(self.get_queryset().get(pk=campaign.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        campaign = campaign_close(actor=request.user, campaign=self.get_object())
        return Response(CampaignSerializer(self.get_queryset().get(pk=campaign.pk)).data)

    @extend_schema(responses=InvitationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def invitations(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        invitations = invitation_list_for(user=request.user, campaign=self.get_object())
        page = self.paginate_queryset(invitations)
        return self.get_paginated_response(InvitationSerializer(page, many=True).data)


class AutomationViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """A project's survey automations: on deliverable acceptance, on close, periodically."""

    request: AuthenticatedRequest

    serializer_class = AutomationSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {
        "list": "feedback.read_survey_results",
        "create": "feedback.manage_surveys",
        "stop": "feedback.manage_surveys",
    }

    def get_queryset(self) -> QuerySet[SurveyAutomation]:
        if getattr(self, "swagger_fake_view", False):
            return SurveyAutomation.objects.none()
        return automation_list_for(user=self.request.user, project=self.project)

    @extend_schema(request=AutomationInputSerializer, responses={201: AutomationSerializer})
    def create(self, request: Request, project_pk: str) -> Response:
        data = AutomationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        automation = automation_create(
            actor=self.request.user, project=self.project, **data.validated_data
        )
        return Response(AutomationSerializer(automation).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Stop a survey automation", request=None, responses=AutomationSerializer)
    @action(detail=True, methods=["post"])
    def stop(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """The PM or AM stops it: no survey starts from it any more."""
        automation = self.get_queryset().filter(pk=int(pk)).first()
        if automation is None:
            raise NotFound
        automation = automation_stop(actor=request.user, automation=automation)
        return Response(AutomationSerializer(automation).data)
