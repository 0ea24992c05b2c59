from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from projects.api.serializers import MembershipSerializer, ProjectSerializer
from projects.models import Project
from projects.selectors import membership_list_for, project_get_for, project_list_for


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Projects the user may see; another client's project is a 404, like a missing one."""

    serializer_class = ProjectSerializer
    lookup_value_regex = r"\d+"
    filterset_fields = ["client", "is_archived"]
    search_fields = ["code", "name"]
    ordering_fields = ["name", "code", "start_date", "end_date"]

    def get_queryset(self) -> QuerySet[Project]:
        return project_list_for(user=self.request.user, include_archived=True)

    def get_object(self) -> Project:
        return project_get_for(user=self.request.user, project_id=int(self.kwargs["pk"]))

    @extend_schema(responses=MembershipSerializer(many=True))
    @action(detail=True, methods=["get"])
    def members(self, request: Request, pk: str) -> Response:
        project = self.get_object()
        memberships = membership_list_for(user=request.user, project=project)
        page = self.paginate_queryset(memberships)
        return self.get_paginated_response(MembershipSerializer(page, many=True).data)
