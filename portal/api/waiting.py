"""What waits for me in the API (/api/v1/portal/waiting/): the items waiting for the caller's
decision, and their single-click actions. Same permission layer as the pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from portal.decisions import (
    WaitingItem,
    has_action,
    perform_action,
    waiting_count_for,
    waiting_items_for,
)
from projects.models import Project
from projects.selectors import project_get_for


class WaitingItemSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    key = serializers.CharField()
    title = serializers.CharField()
    project = serializers.IntegerField()
    project_name = serializers.CharField()
    since = serializers.DateTimeField()
    due = serializers.DateField(allow_null=True)
    url = serializers.CharField()
    has_action = serializers.BooleanField()


class WaitingActionInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.CharField(max_length=40)
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)

    def validate_kind(self, value: str) -> str:
        from portal.decisions import has_action

        if not has_action(value):
            raise serializers.ValidationError(
                _("This kind of item has no single-click action: open it instead.")
            )
        return value


class WaitingActionResultSerializer(serializers.Serializer):
    remaining = serializers.IntegerField()


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

    request: AuthenticatedRequest

    serializer_class = WaitingItemSerializer
    pagination_class = None
    queryset = Project.objects.none()  # for the schema only; the list is built by the registry

    @extend_schema(responses=WaitingItemSerializer(many=True))
    def list(self, request: AuthenticatedRequest) -> Response:
        rows = [_row(item) for item in waiting_items_for(user=request.user)]
        return Response(WaitingItemSerializer(rows, many=True).data)

    @extend_schema(request=WaitingActionInputSerializer, responses=WaitingActionResultSerializer)
    @action(detail=False, methods=["post"], url_path="act")
    def act(self, request: AuthenticatedRequest) -> Response:
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
