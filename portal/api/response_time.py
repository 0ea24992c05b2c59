"""How many business days the client has to answer before a reminder, in the API
(/api/v1/projects/{project_pk}/client-response-time/): read by the project's members, set by
the PM."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from portal.services import (
    MAX_CLIENT_RESPONSE_DAYS,
    client_response_days_for,
    client_response_days_set,
)
from projects.api.base import ProjectScopedViewSet
from projects.models import Project


class ClientResponseTimeSerializer(serializers.Serializer):
    client_response_days = serializers.IntegerField(
        min_value=1,
        max_value=MAX_CLIENT_RESPONSE_DAYS,
        help_text="Business days of the client's calendar.",
    )


class ClientResponseTimeViewSet(ProjectScopedViewSet):
    request: AuthenticatedRequest

    serializer_class = ClientResponseTimeSerializer
    queryset = Project.objects.none()  # for the schema only
    action_permissions = {"update": "projects.edit_plan"}

    def _current(self) -> Response:
        days = client_response_days_for([self.project.pk])[self.project.pk]
        return Response(ClientResponseTimeSerializer({"client_response_days": days}).data)

    @extend_schema(summary="The client's response time", responses=ClientResponseTimeSerializer)
    def retrieve(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        return self._current()

    @extend_schema(
        summary="Set the client's response time",
        request=ClientResponseTimeSerializer,
        responses=ClientResponseTimeSerializer,
        examples=[
            OpenApiExample(
                "Five business days", value={"client_response_days": 5}, request_only=True
            )
        ],
    )
    def update(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        """The PM sets it, as on the response-time page."""
        data = ClientResponseTimeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        client_response_days_set(
            actor=request.user,
            project=self.project,
            days=data.validated_data["client_response_days"],
        )
        return self._current()
