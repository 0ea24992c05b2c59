"""The client-side audit log of a project in the API
(/api/v1/projects/{project_pk}/client-audit-log/)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from portal.selectors import client_audit_log_for
from projects.api.base import ProjectScopedViewSet
from projects.models import Project


class AuditEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    who = serializers.CharField()
    action = serializers.CharField()
    what = serializers.CharField()
    url = serializers.CharField()


class ClientAuditLogViewSet(ProjectScopedViewSet):
    """Who on the client side approved what in the project (client admin, PM and AM)."""

    request: AuthenticatedRequest

    serializer_class = AuditEntrySerializer
    pagination_class = None
    queryset = Project.objects.none()  # for the schema only
    action_permissions = {"list": "portal.view_client_audit_log"}

    @extend_schema(responses=AuditEntrySerializer(many=True))
    def list(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        entries = client_audit_log_for(user=request.user, project=self.project)
        return Response(AuditEntrySerializer(entries, many=True).data)
