"""The portal in the API: what waits for me (and its single-click actions), and the client-side
audit log of a project. Same permission layer as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.serializers import (
    AuditEntrySerializer,
    WaitingActionInputSerializer,
    WaitingActionResultSerializer,
    WaitingItemSerializer,
)
from portal.decisions import (
    WaitingItem,
    has_action,
    perform_action,
    waiting_count_for,
    waiting_items_for,
)
from portal.selectors import client_audit_log_for
from projects.api.base import ProjectScopedViewSet
from projects.models import Project
from projects.selectors import project_get_for


def _row(item: WaitingItem) -> dict[str, object]:
    return {
        "kind": item.kind,
        "id": item.pk,
        "key": item.key,
        "title": item.title,
        "project": item.project.pk,
        "project_name": item.project.name,
        "since": item.since,
        "due": item.due,
        "url": item.url,
        "has_action": has_action(item.kind) and bool(item.action_label),
    }


class WaitingItemViewSet(viewsets.GenericViewSet):
    """Everything waiting for the signed-in person's decision, oldest first."""

    serializer_class = WaitingItemSerializer
    pagination_class = None
    queryset = Project.objects.none()  # for the schema only; the list is built by the registry

    @extend_schema(responses=WaitingItemSerializer(many=True))
    def list(self, request: Request) -> Response:
        rows = [_row(item) for item in waiting_items_for(user=request.user)]
        return Response(WaitingItemSerializer(rows, many=True).data)

    @extend_schema(request=WaitingActionInputSerializer, responses=WaitingActionResultSerializer)
    @action(detail=False, methods=["post"], url_path="act")
    def act(self, request: Request) -> Response:
        """The single-click action of one waiting item (confirm a requirement's current text,
        confirm a ticket's resolution, tick an action item done)."""
        data = WaitingActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_get_for(user=request.user, project_id=data.validated_data["project"])
        perform_action(
            actor=request.user,
            project=project,
            kind=data.validated_data["kind"],
            item_id=data.validated_data["id"],
        )
        remaining = waiting_count_for(user=request.user)
        return Response(WaitingActionResultSerializer({"remaining": remaining}).data)


class ClientAuditLogViewSet(ProjectScopedViewSet):
    """Who on the client side approved what in the project (client admin, PM and AM)."""

    serializer_class = AuditEntrySerializer
    pagination_class = None
    queryset = Project.objects.none()  # for the schema only
    action_permissions = {"list": "portal.view_client_audit_log"}

    @extend_schema(responses=AuditEntrySerializer(many=True))
    def list(self, request: Request, project_pk: str) -> Response:
        entries = client_audit_log_for(user=request.user, project=self.project)
        return Response(AuditEntrySerializer(entries, many=True).data)
