"""API for surveys under /api/v1/: templates, a project's campaigns (with their invitations) and
automations, responses, detractor follow-ups, the dashboard's figures, and a client user's own
surveys. The same services, selectors and predicates as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import NotFound
from feedback.models import (
    Campaign,
    DetractorFollowUp,
    SurveyAutomation,
    SurveyInvitation,
    SurveyResponse,
    SurveyTemplate,
)
from feedback.surveys.permissions import can_close_follow_up
from feedback.surveys.selectors import (
    DashboardFilters,
    automation_list_for,
    campaign_get_for,
    campaign_list_for,
    default_filters,
    follow_up_get_for,
    follow_up_list_for,
    invitation_list_for,
    open_invitations_for,
    response_get_for,
    response_list_for,
    satisfaction_by_client,
    satisfaction_by_pm,
    satisfaction_by_project,
    satisfaction_totals,
    satisfaction_trend,
    survey_template_get,
    survey_template_list,
    topic_ratings,
)
from feedback.surveys.serializers import (
    AutomationInputSerializer,
    AutomationSerializer,
    CampaignInputSerializer,
    CampaignSerializer,
    DashboardQuerySerializer,
    FollowUpCloseInputSerializer,
    FollowUpSerializer,
    InvitationSerializer,
    MySurveySerializer,
    QuestionInputSerializer,
    QuestionSerializer,
    RespondInputSerializer,
    ResponseSerializer,
    TemplateInputSerializer,
    TemplateSerializer,
)
from feedback.surveys.services import (
    SurveyErrors,
    automation_create,
    campaign_close,
    campaign_create,
    follow_up_close,
    response_submit,
    survey_question_add,
    survey_template_create,
)
from projects.api.base import ProjectScopedViewSet


class SurveyTemplateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Survey templates (the provider's PMs, AMs and staff admins)."""

    serializer_class = TemplateSerializer
    lookup_value_regex = r"\d+"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not request.user.has_perm("feedback.manage_survey_templates"):
            raise PermissionDenied()

    def get_queryset(self) -> QuerySet[SurveyTemplate]:
        return survey_template_list().prefetch_related("questions")

    def get_object(self) -> SurveyTemplate:
        return survey_template_get(template_id=int(self.kwargs["pk"]))

    @extend_schema(request=TemplateInputSerializer, responses={201: TemplateSerializer})
    def create(self, request: Request) -> Response:
        data = TemplateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        template = survey_template_create(actor=request.user, **data.validated_data)
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=QuestionInputSerializer, responses={201: QuestionSerializer})
    @action(detail=True, methods=["post"])
    def questions(self, request: Request, pk: str) -> Response:
        template = self.get_object()
        data = QuestionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = survey_question_add(actor=request.user, template=template, **data.validated_data)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class CampaignViewSet(ProjectScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """A project's survey campaigns (its PM and AM; staff admins read)."""

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
        campaign = campaign_create(actor=request.user, project=self.project, **data.validated_data)
        return Response(
            CampaignSerializer(self.get_queryset().get(pk=campaign.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, project_pk: str, pk: str) -> Response:
        campaign = campaign_close(actor=request.user, campaign=self.get_object())
        return Response(CampaignSerializer(self.get_queryset().get(pk=campaign.pk)).data)

    @extend_schema(responses=InvitationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def invitations(self, request: Request, project_pk: str, pk: str) -> Response:
        invitations = invitation_list_for(user=request.user, campaign=self.get_object())
        page = self.paginate_queryset(invitations)
        return self.get_paginated_response(InvitationSerializer(page, many=True).data)


class AutomationViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """A project's survey automations: on deliverable acceptance, on close, periodically."""

    serializer_class = AutomationSerializer
    action_permissions = {
        "list": "feedback.read_survey_results",
        "create": "feedback.manage_surveys",
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
            actor=request.user, project=self.project, **data.validated_data
        )
        return Response(AutomationSerializer(automation).data, status=status.HTTP_201_CREATED)


class SurveyResponseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Responses: the PM's and AM's projects; a client user only their own."""

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
    def close(self, request: Request, pk: str) -> Response:
        follow_up = self.get_object()
        if not can_close_follow_up(request.user, follow_up):  # before the input is read
            raise PermissionDenied()
        data = FollowUpCloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        follow_up = follow_up_close(actor=request.user, follow_up=follow_up, **data.validated_data)
        return Response(FollowUpSerializer(self.get_object()).data)


class MySurveyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A client user's open surveys (to answer here, or through `survey_url`)."""

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
    def respond(self, request: Request, pk: str) -> Response:
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


class FiguresSerializer(serializers.Serializer):
    totals = serializers.DictField()
    by_client = serializers.ListField(child=serializers.DictField())
    by_project = serializers.ListField(child=serializers.DictField())
    by_pm = serializers.ListField(child=serializers.DictField())
    by_month = serializers.ListField(child=serializers.DictField())
    by_quarter = serializers.ListField(child=serializers.DictField())
    topics = serializers.ListField(child=serializers.DictField())


class SatisfactionFiguresView(APIView):
    """The dashboard's figures (every one computed in SQL) for the user's clients and projects,
    with the same filters as the page: start, end (dates), client, pm (ids)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, description="YYYY-MM-DD"),
            OpenApiParameter("end", str, description="YYYY-MM-DD"),
            OpenApiParameter("client", int),
            OpenApiParameter("pm", int),
        ],
        responses=FiguresSerializer,
    )
    def get(self, request: Request) -> Response:
        if not request.user.has_perm("feedback.view_dashboard"):
            raise PermissionDenied()
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        default = default_filters()
        values = query.validated_data
        filters = DashboardFilters(
            start=values.get("start") or default.start,
            end=values.get("end") or default.end,
            client_id=values.get("client"),
            pm_id=values.get("pm"),
        )
        user = request.user
        return Response(
            {
                "period": {"start": filters.start, "end": filters.end},
                "totals": satisfaction_totals(user=user, filters=filters),
                "by_client": satisfaction_by_client(user=user, filters=filters),
                "by_project": satisfaction_by_project(user=user, filters=filters),
                "by_pm": satisfaction_by_pm(user=user, filters=filters),
                "by_month": satisfaction_trend(user=user, filters=filters),
                "by_quarter": satisfaction_trend(user=user, filters=filters, by="quarter"),
                "topics": topic_ratings(user=user, filters=filters),
            }
        )
