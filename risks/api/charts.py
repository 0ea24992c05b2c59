"""The register's charts and a risk's history in the API: the heat map, the exposure series and
the timeline, served as actions of the risks endpoint (`risks.api.register.RiskViewSet`)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from projects.api.base import ProjectScopedViewSet
from projects.permissions import can_view_internal_items
from risks.api.base import FILTER_PARAMETERS
from risks.selectors.exposure import exposure_series_for, heat_map_for
from risks.selectors.history import risk_timeline
from risks.selectors.register import RiskFilters


class RiskHeatCellSerializer(serializers.Serializer):
    probability = serializers.IntegerField()
    impact = serializers.IntegerField()
    score = serializers.IntegerField()
    level = serializers.CharField()
    count = serializers.IntegerField()


class RiskExposureSerializer(serializers.Serializer):
    labels = serializers.ListField(child=serializers.CharField())
    score = serializers.ListField(child=serializers.IntegerField())
    levels = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()))


class RiskTimelineChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class RiskTimelineEntrySerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    who = serializers.CharField()
    kind = serializers.CharField()
    changes = RiskTimelineChangeSerializer(many=True)


class RiskChartsViewSet(ProjectScopedViewSet):
    """The read-only views of the register that are not a list of risks."""

    request: AuthenticatedRequest

    @extend_schema(responses=RiskTimelineEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """The risk's timeline (the provider side: the client reads the assessments)."""
        risk = self.get_object()
        if not can_view_internal_items(request.user, self.project):
            raise PermissionDenied()
        entries = [
            {
                "when": entry.when,
                "who": entry.who,
                "kind": entry.kind,
                "changes": [{"field": f, "old": o, "new": n} for f, o, n in entry.changes],
            }
            for entry in risk_timeline(risk=risk)
        ]
        return Response(RiskTimelineEntrySerializer(entries, many=True).data)

    @extend_schema(parameters=FILTER_PARAMETERS[:5], responses=RiskHeatCellSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="heat-map", pagination_class=None)
    def heat_map(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        """The 5x5 grid, probability 5 to 1 by impact 1 to 5, flattened row by row."""
        filters = RiskFilters.from_query(request.query_params, strict=True)
        grid = heat_map_for(user=request.user, project=self.project, filters=filters)
        cells = [cell.__dict__ for row in grid for cell in row]
        return Response(RiskHeatCellSerializer(cells, many=True).data)

    @extend_schema(responses=RiskExposureSerializer)
    @action(detail=False, methods=["get"])
    def exposure(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        series = exposure_series_for(user=request.user, project=self.project)
        return Response(RiskExposureSerializer(series).data)
