"""API for survey templates and their questions: the same services and permission as the
survey template pages (the provider's PMs, AMs and staff admins)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.errors import NotFound
from common.serializers import ModelSerializer
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
from feedback.services.survey_templates import (
    survey_question_add,
    survey_question_delete,
    survey_template_archive,
    survey_template_copy,
    survey_template_create,
)


class QuestionSerializer(ModelSerializer):
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


class TemplateSerializer(ModelSerializer):
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


class TemplateCopyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="The name of the copy.")


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

    @extend_schema(
        summary="Remove a question from a survey template",
        request=None,
        responses={204: None},
    )
    @action(detail=True, methods=["delete"], url_path=r"questions/(?P<question_id>\d+)")
    def question(self, request: AuthenticatedRequest, pk: str, question_id: str) -> Response:
        """Only from a template that was never sent (409 otherwise: copy it); a question of
        another template is not found."""
        template = self.get_object()
        question = template.questions.filter(pk=int(question_id)).first()
        if question is None:
            raise NotFound
        survey_question_delete(actor=request.user, question=question)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Copy a survey template",
        request=TemplateCopyInputSerializer,
        responses={201: TemplateSerializer},
        examples=[
            OpenApiExample(
                "A copy to change",
                value={"name": "Project satisfaction (copy)"},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def copy(self, request: AuthenticatedRequest, pk: str) -> Response:
        """A new, editable template with the same description and questions."""
        template = self.get_object()
        data = TemplateCopyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        copy = survey_template_copy(
            actor=request.user, template=template, name=data.validated_data["name"]
        )
        copy = survey_template_get(template_id=copy.pk)
        return Response(TemplateSerializer(copy).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Archive a survey template", request=None, responses=TemplateSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: AuthenticatedRequest, pk: str) -> Response:
        """It is no longer offered for new surveys; the default template cannot be archived
        (409: make another one the default first)."""
        template = survey_template_archive(actor=request.user, template=self.get_object())
        return Response(TemplateSerializer(template).data)
