"""The API for phase gates: the PM's request and the client's decision."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.serializers import ModelSerializer
from common.text import SHORT_TEXT_MAX_LENGTH
from projects.api.base import ProjectScopedViewSet
from projects.models import PhaseGate
from projects.selectors import (
    gate_get_for,
    gate_list_for,
)
from projects.services import phase_gate_decide, phase_gate_request


class PhaseGateSerializer(ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.display_name", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.display_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = PhaseGate
        fields = [
            "id",
            "from_phase",
            "to_phase",
            "checklist",
            "note",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "comment",
        ]
        read_only_fields = fields


class GateRequestInputSerializer(serializers.Serializer):
    checked = serializers.ListField(child=serializers.CharField(max_length=300))
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=SHORT_TEXT_MAX_LENGTH
    )


class GateDecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=SHORT_TEXT_MAX_LENGTH
    )


class PhaseGateViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """Gate reviews: the PM requests the move to the next phase, the client admin decides."""

    serializer_class = PhaseGateSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": "projects.request_phase_gate",
        "decide": "projects.approve_phase_gate",
    }

    def get_queryset(self) -> QuerySet[PhaseGate]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return PhaseGate.objects.none()
        return gate_list_for(user=self.request.user, project=self.project)

    @extend_schema(request=GateRequestInputSerializer, responses={201: PhaseGateSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = GateRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        gate = phase_gate_request(actor=request.user, project=self.project, **data.validated_data)
        return Response(PhaseGateSerializer(gate).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=GateDecisionInputSerializer, responses=PhaseGateSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        data = GateDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        gate = gate_get_for(user=request.user, project=self.project, gate_id=int(pk))
        gate = phase_gate_decide(actor=request.user, gate=gate, **data.validated_data)
        return Response(PhaseGateSerializer(gate).data)
