"""A project's risk settings in the API (/api/v1/projects/{project_pk}/risk-settings/)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from projects.models import Project
from projects.permissions import can_view_internal_items
from projects.selectors import project_get_for
from risks.permissions import can_manage_risk_settings
from risks.selectors.settings import risk_settings_of
from risks.services.settings import risk_settings_update


class RiskSettingsSerializer(serializers.Serializer):
    probability_scale = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=True), min_length=5, max_length=5
    )
    impact_scale = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=True), min_length=5, max_length=5
    )
    medium_from = serializers.IntegerField(min_value=2, max_value=25)
    high_from = serializers.IntegerField(min_value=2, max_value=25)
    critical_from = serializers.IntegerField(min_value=2, max_value=25)
    review_tolerance_days = serializers.IntegerField(min_value=0, max_value=365)


class RiskSettingsView(APIView):
    """The project's risk scales, thresholds and review tolerance: read by the provider side,
    changed by the PM (every risk's level is recomputed)."""

    request: AuthenticatedRequest

    def _project(self, request: AuthenticatedRequest, project_pk: int) -> Project:
        project = project_get_for(user=request.user, project_id=project_pk)
        if not can_view_internal_items(request.user, project):
            raise PermissionDenied()
        return project

    @staticmethod
    def _data(project: Project) -> dict[str, Any]:
        settings = risk_settings_of(project)
        return {
            "probability_scale": settings.probability_labels(),
            "impact_scale": settings.impact_labels(),
            "medium_from": settings.medium_from,
            "high_from": settings.high_from,
            "critical_from": settings.critical_from,
            "review_tolerance_days": settings.review_tolerance_days,
        }

    @extend_schema(responses=RiskSettingsSerializer)
    def get(self, request: AuthenticatedRequest, project_pk: int) -> Response:
        return Response(RiskSettingsSerializer(self._data(self._project(request, project_pk))).data)

    @extend_schema(request=RiskSettingsSerializer, responses=RiskSettingsSerializer)
    def put(self, request: AuthenticatedRequest, project_pk: int) -> Response:
        project = self._project(request, project_pk)
        if not can_manage_risk_settings(request.user, project):
            raise PermissionDenied()
        data = RiskSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        risk_settings_update(actor=request.user, project=project, **data.validated_data)
        project._risk_settings = None  # type: ignore[attr-defined]
        return Response(RiskSettingsSerializer(self._data(project)).data)
