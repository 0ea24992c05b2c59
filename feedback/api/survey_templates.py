"""API for survey templates and their questions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.text import LONG_TEXT_MAX_LENGTH
from feedback.models import (
    QuestionKind,
    SurveyQuestion,
    SurveyTemplate,
    Topic,
)
from feedback.selectors.surveys import (
    survey_template_get,
    survey_template_list,
)
from feedback.services.survey_templates import survey_question_add, survey_template_create


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
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT_MAX_LENGTH
    )
    is_default = serializers.BooleanField(required=False, default=False)


class QuestionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField(max_length=500)
    text_zh_hans = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )
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


class SurveyTemplateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Survey templates (the provider's PMs, AMs and staff admins)."""

    request: AuthenticatedRequest

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
        template = survey_template_create(actor=self.request.user, **data.validated_data)
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=QuestionInputSerializer, responses={201: QuestionSerializer})
    @action(detail=True, methods=["post"])
    def questions(self, request: AuthenticatedRequest, pk: str) -> Response:
        template = self.get_object()
        data = QuestionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = survey_question_add(actor=request.user, template=template, **data.validated_data)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)
