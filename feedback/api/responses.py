"""API for survey responses, detractor follow-ups and a client user's own surveys.

Follow-up notes are internal: only the provider side's serializers carry them, and clients never
reach follow-ups at all.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.errors import NotFound
from common.serializers import ModelSerializer
from common.text import SHORT_TEXT_MAX_LENGTH
from feedback.api.survey_templates import (
    QuestionSerializer,
)
from feedback.models import (
    DetractorFollowUp,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)
from feedback.permissions import can_close_follow_up
from feedback.selectors.surveys import (
    follow_up_get_for,
    follow_up_list_for,
    open_invitations_for,
    response_get_for,
    response_list_for,
)
from feedback.services.follow_ups import follow_up_close
from feedback.services.responses import SurveyErrors, response_submit


class AnswerSerializer(ModelSerializer):
    question_text = serializers.CharField(source="question.text", read_only=True)
    kind = serializers.CharField(source="question.kind", read_only=True)
    topic = serializers.CharField(source="question.topic", read_only=True)

    class Meta:
        model = SurveyAnswer
        fields = ["question", "question_text", "kind", "topic", "rating", "choices", "text"]


class ResponseSerializer(ModelSerializer):
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


class FollowUpSerializer(ModelSerializer):
    owner = serializers.CharField(source="owner.display_name", read_only=True, default=None)
    closed_by = serializers.CharField(
        source="closed_by.display_name", read_only=True, default=None, allow_null=True
    )
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
    note = serializers.CharField(max_length=SHORT_TEXT_MAX_LENGTH)


class MySurveySerializer(ModelSerializer):
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

        from feedback.tokens import invitation_token

        return reverse("feedback:survey_answer", kwargs={"token": invitation_token(invitation)})


class RespondInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text='{"<question id>": 9, "<question id>": [0, 2], "<question id>": "text"}',
    )


class SurveyResponseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Responses: the PM's and AM's projects; a client user only their own."""

    request: AuthenticatedRequest

    serializer_class = ResponseSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[SurveyResponse]:
        if getattr(self, "swagger_fake_view", False):
            return SurveyResponse.objects.none()
        return response_list_for(user=self.request.user)

    def get_object(self) -> SurveyResponse:
        return response_get_for(user=self.request.user, response_id=int(self.kwargs["pk"]))


class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Detractor follow-ups of the user's projects (PM, AM, staff admins; never clients)."""

    request: AuthenticatedRequest

    serializer_class = FollowUpSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[DetractorFollowUp]:
        if getattr(self, "swagger_fake_view", False):
            return DetractorFollowUp.objects.none()
        return follow_up_list_for(user=self.request.user, status=self.request.GET.get("status"))

    def get_object(self) -> DetractorFollowUp:
        return follow_up_get_for(user=self.request.user, follow_up_id=int(self.kwargs["pk"]))

    @extend_schema(request=FollowUpCloseInputSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: AuthenticatedRequest, pk: str) -> Response:
        follow_up = self.get_object()
        if not can_close_follow_up(request.user, follow_up):  # before the input is read
            raise PermissionDenied()
        data = FollowUpCloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        follow_up = follow_up_close(actor=request.user, follow_up=follow_up, **data.validated_data)
        return Response(FollowUpSerializer(self.get_object()).data)


class MySurveyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A client user's open surveys (to answer here, or through `survey_url`)."""

    request: AuthenticatedRequest

    serializer_class = MySurveySerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[SurveyInvitation]:
        if getattr(self, "swagger_fake_view", False):
            return SurveyInvitation.objects.none()
        return open_invitations_for(user=self.request.user).prefetch_related(
            "campaign__template__questions"
        )

    @extend_schema(request=RespondInputSerializer, responses=ResponseSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request: AuthenticatedRequest, pk: str) -> Response:
        invitation = self.get_queryset().filter(pk=int(pk)).first()
        if invitation is None:
            raise NotFound()
        data = RespondInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[int, Any] = {}
        for key, value in data.validated_data["answers"].items():
            try:
                values[int(key)] = value
            except ValueError:
                raise ValidationError(
                    {"answers": [_("%(key)s is not a question id.") % {"key": key}]}
                ) from None
        try:
            response = response_submit(invitation=invitation, values=values)
        except SurveyErrors as error:
            raise ValidationError(
                {field: [message] for field, message in error.errors.items()}
            ) from error
        return Response(
            ResponseSerializer(response_list_for(user=request.user).get(pk=response.pk)).data
        )
