"""API for the satisfaction dashboard's figures."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from feedback.selectors.satisfaction import (
    DashboardFilters,
    default_filters,
    open_follow_up_count,
    satisfaction_figures,
)


class DashboardQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    client = serializers.IntegerField(required=False)
    pm = serializers.IntegerField(required=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise serializers.ValidationError(
                {"end": [_("The end of the period is before its start.")]}
            )
        return data


class FiguresSerializer(serializers.Serializer):
    totals = serializers.DictField()
    by_client = serializers.ListField(child=serializers.DictField())
    by_project = serializers.ListField(child=serializers.DictField())
    by_pm = serializers.ListField(child=serializers.DictField())
    by_month = serializers.ListField(child=serializers.DictField())
    by_quarter = serializers.ListField(child=serializers.DictField())
    topics = serializers.ListField(child=serializers.DictField())


class SatisfactionFiguresView(APIView):
    """The dashboard's figures (every one computed in SQL) for the user's clients and projects,
    with the same filters as the page: start, end (dates), client, pm (ids)."""

    request: AuthenticatedRequest

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, description="YYYY-MM-DD"),
            OpenApiParameter("end", str, description="YYYY-MM-DD"),
            OpenApiParameter("client", int),
            OpenApiParameter("pm", int),
        ],
        responses=FiguresSerializer,
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        if not request.user.has_perm("feedback.view_dashboard"):
            raise PermissionDenied()
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        default = default_filters()
        values = query.validated_data
        filters = DashboardFilters(
            start=values.get("start") or default.start,
            end=values.get("end") or default.end,
            client_id=values.get("client"),
            pm_id=values.get("pm"),
        )
        figures = satisfaction_figures(user=request.user, filters=filters)
        return Response(
            {
                "period": {"start": filters.start, "end": filters.end},
                "totals": {
                    **figures.totals,
                    "open_follow_ups": open_follow_up_count(user=request.user, filters=filters),
                },
                "by_client": figures.by_client,
                "by_project": figures.by_project,
                "by_pm": figures.by_pm,
                "by_month": figures.monthly,
                "by_quarter": figures.quarterly,
                "topics": figures.topics,
            }
        )
