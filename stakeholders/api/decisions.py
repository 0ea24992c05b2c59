"""API for the decision log: read-only, the same log as the page."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from projects.api.base import ProjectScopedViewSet
from projects.permissions import can_view_internal_items
from stakeholders.models import Meeting
from stakeholders.selectors.decisions import decision_log_for


class DecisionLogEntrySerializer(serializers.Serializer):
    decided_at = serializers.DateTimeField()
    kind = serializers.CharField()
    text = serializers.CharField()
    decided_by = serializers.CharField()
    side = serializers.CharField()
    url = serializers.CharField()


class DecisionLogViewSet(ProjectScopedViewSet):
    """The decision log, latest first (the client-visible part for clients)."""

    request: AuthenticatedRequest

    serializer_class = DecisionLogEntrySerializer
    pagination_class = None
    queryset = Meeting.objects.none()  # for the schema only; the log is built by decision_log_for

    @extend_schema(responses=DecisionLogEntrySerializer(many=True))
    def list(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        portal = not can_view_internal_items(request.user, self.project)
        rows = [
            {
                "decided_at": d.decided_at,
                "kind": str(d.kind),
                "text": d.text,
                "decided_by": d.decided_by,
                "side": str(d.side),
                "url": (d.portal_url if portal else d.staff_url) or "",
            }
            for d in decision_log_for(user=request.user, project=self.project)
        ]
        return Response(DecisionLogEntrySerializer(rows, many=True).data)
