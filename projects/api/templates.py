"""The API for project templates (the provider's, never a project's): list and read them, save a
project's plan as one, delete one, and start a project from one."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.errors import InvalidInput, NotFound
from common.serializers import ModelSerializer
from common.text import LONG_TEXT_MAX_LENGTH
from projects.api.projects import (
    PROJECT_ANSWER_EXAMPLE,
    ProjectFromPlanInputSerializer,
    ProjectSettingsSerializer,
    client_organization,
)
from projects.models import ProjectTemplate
from projects.permissions import can_delete_template, can_use_templates
from projects.selectors import project_get_for
from projects.services.templates import (
    project_create_from_template,
    template_delete,
    template_get_for,
    template_list_for,
    template_save,
)


class ProjectTemplateSerializer(ModelSerializer):
    created_by = serializers.CharField(
        source="created_by.display_name", allow_null=True, default=None
    )
    milestones = serializers.SerializerMethodField()
    deliverables = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField()
    may_delete = serializers.SerializerMethodField()

    class Meta:
        model = ProjectTemplate
        fields = [
            "id",
            "name",
            "description",
            "source_project_code",
            "created_by",
            "created_at",
            "milestones",
            "deliverables",
            "tasks",
            "may_delete",
        ]
        read_only_fields = fields

    @staticmethod
    def _parts(template: ProjectTemplate) -> dict[str, Any]:
        return template.plan.get("parts", {}) if isinstance(template.plan, dict) else {}

    def get_milestones(self, template: ProjectTemplate) -> int:
        return len(self._parts(template).get("milestones") or [])

    def get_deliverables(self, template: ProjectTemplate) -> int:
        milestones = self._parts(template).get("milestones") or []
        return sum(len(m.get("deliverables") or []) for m in milestones)

    def get_tasks(self, template: ProjectTemplate) -> int:
        return len((self._parts(template).get("tasks") or {}).get("tasks") or [])

    def get_may_delete(self, template: ProjectTemplate) -> bool:
        return can_delete_template(self.context["request"].user, template)


class TemplateSaveInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(help_text="The project whose plan becomes the template.")
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(
        max_length=LONG_TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


TEMPLATE_EXAMPLE = {
    "id": 4,
    "name": "Warehouse roll-out",
    "description": "Pilot, roll-out and hypercare in twelve weeks.",
    "source_project_code": "NW-WMS",
    "created_by": "Paula PM",
    "created_at": "2026-03-02T09:00:00Z",
    "milestones": 3,
    "deliverables": 5,
    "tasks": 24,
    "may_delete": True,
}


class ProjectTemplateViewSet(viewsets.GenericViewSet):
    """Project templates, for whoever may start projects (provider people); their author or a
    staff admin deletes one."""

    request: AuthenticatedRequest
    serializer_class = ProjectTemplateSerializer
    lookup_value_regex = r"\d+"
    filter_backends: list[type] = []

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)
        if not can_use_templates(self.request.user):
            raise PermissionDenied()

    def get_queryset(self) -> QuerySet[ProjectTemplate]:
        if getattr(self, "swagger_fake_view", False):
            return ProjectTemplate.objects.none()
        return template_list_for(user=self.request.user)

    def get_object(self) -> ProjectTemplate:
        return template_get_for(user=self.request.user, template_id=int(self.kwargs["pk"]))

    @extend_schema(summary="List the project templates")
    def list(self, request: AuthenticatedRequest) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        serializer = ProjectTemplateSerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(serializer.data)

    @extend_schema(summary="Read a project template")
    def retrieve(self, request: AuthenticatedRequest, pk: str) -> Response:
        template = self.get_object()
        return Response(ProjectTemplateSerializer(template, context={"request": request}).data)

    @extend_schema(
        summary="Save a project's plan as a template",
        request=TemplateSaveInputSerializer,
        responses={201: ProjectTemplateSerializer},
        examples=[
            OpenApiExample(
                "A template from a finished project",
                value={
                    "project": 12,
                    "name": "Warehouse roll-out",
                    "description": "Pilot, roll-out and hypercare in twelve weeks.",
                },
                request_only=True,
            ),
            OpenApiExample(
                "The template", value=TEMPLATE_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        """The project's PM (or a staff admin) saves its plan (milestones, deliverables, tasks;
        not its people, status or progress) as a template; the project needs a start date. A
        closed project may be saved too: it is only read."""
        serializer = TemplateSaveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        try:
            project = project_get_for(user=request.user, project_id=values.pop("project"))
        except NotFound as error:
            raise InvalidInput(NotFound.default_message, field="project") from error
        template = template_save(actor=request.user, project=project, **values)
        return Response(
            ProjectTemplateSerializer(template, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(summary="Delete a project template", request=None, responses={204: None})
    def destroy(self, request: AuthenticatedRequest, pk: str) -> Response:
        """Its author or a staff admin deletes it; the projects started from it stay."""
        template_delete(actor=request.user, template=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Start a project from a template",
        request=ProjectFromPlanInputSerializer,
        responses={201: ProjectSettingsSerializer},
        examples=[
            OpenApiExample(
                "A roll-out for a new client",
                value={
                    "client": 3,
                    "code": "NW-WMS",
                    "name": "Northwind warehouse system",
                    "start_date": "2026-03-02",
                },
                request_only=True,
            ),
            OpenApiExample(
                "The new project",
                value=PROJECT_ANSWER_EXAMPLE,
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def projects(self, request: AuthenticatedRequest, pk: str) -> Response:
        """A new project for a client with the template's plan, every date moved with the start;
        whoever starts it becomes its PM. All or nothing."""
        template = self.get_object()
        serializer = ProjectFromPlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        project = project_create_from_template(
            actor=request.user,
            template=template,
            client=client_organization(values.pop("client")),
            **values,
        )
        return Response(ProjectSettingsSerializer(project).data, status=status.HTTP_201_CREATED)
