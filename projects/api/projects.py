"""The API for projects themselves: the projects a person may see with their health and members,
and their objectives."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.me import OrganizationSerializer
from accounts.http import AuthenticatedRequest
from common.api_revisions import RevisionedViewMixin
from common.errors import NotFound
from projects.api.base import ProjectScopedViewSet
from projects.health import project_health
from projects.models import (
    HealthStatus,
    Membership,
    Objective,
    Project,
)
from projects.permissions import can_view_internal_items
from projects.selectors import (
    membership_list_for,
    objective_list_for,
    project_get_for,
    project_list_for,
)
from projects.services.objectives import objective_create, objective_delete, objective_update


class ProjectSerializer(serializers.ModelSerializer):
    client = OrganizationSerializer(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "summary",
            "client",
            "start_date",
            "end_date",
            "is_archived",
            "revision",
        ]
        read_only_fields = fields


class MemberUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    email = serializers.EmailField()
    organization = serializers.CharField(source="organization.name", default=None)


class MembershipSerializer(serializers.ModelSerializer):
    user = MemberUserSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "role_label", "created_at"]
        read_only_fields = fields


class ObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objective
        fields = ["id", "title", "target", "status", "position", "revision"]
        read_only_fields = fields


class ObjectiveInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    target = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(
        choices=Objective.Status.choices, default=Objective.Status.NOT_STARTED
    )


class HealthFindingSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HealthStatus.choices)
    reason = serializers.CharField()


class HealthOverrideSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HealthStatus.choices)
    reason = serializers.CharField()
    by = serializers.CharField(source="by.display_name", allow_null=True, default=None)
    until = serializers.DateField(allow_null=True)


class HealthSerializer(serializers.Serializer):
    """The team's view: RAG, the reasons, and the PM's override if one holds. A client gets
    `status` as on track / at risk / off track (green / amber / red) from what they may see,
    only the reasons they may read, and no override detail."""

    status = serializers.ChoiceField(choices=HealthStatus.choices)
    computed_status = serializers.ChoiceField(choices=HealthStatus.choices, allow_null=True)
    reasons = HealthFindingSerializer(many=True)
    override = HealthOverrideSerializer(allow_null=True)


class ProjectViewSet(RevisionedViewMixin, viewsets.ReadOnlyModelViewSet):
    """Projects the user may see; another client's project is a 404, like a missing one."""

    request: AuthenticatedRequest
    serializer_class = ProjectSerializer
    lookup_value_regex = r"\d+"
    filterset_fields = ["client", "is_archived"]
    search_fields = ["code", "name"]
    ordering_fields = ["name", "code", "start_date", "end_date"]

    def get_queryset(self) -> QuerySet[Project]:
        return project_list_for(user=self.request.user, include_archived=True)

    def get_object(self) -> Project:
        return project_get_for(user=self.request.user, project_id=int(self.kwargs["pk"]))

    @extend_schema(responses=HealthSerializer)
    @action(detail=True, methods=["get"])
    def health(self, request: AuthenticatedRequest, pk: str) -> Response:
        """The project's health: the team sees RAG with every reason and the PM's override; a
        client sees the simplified status with the reasons they may read."""
        project = self.get_object()
        health = project_health(project)
        if can_view_internal_items(request.user, project):
            data = {
                "status": health.status,
                "computed_status": health.computed_status,
                "reasons": health.reasons,
                "override": health.override,
            }
        else:
            data = {
                "status": health.client_status,
                "computed_status": None,
                "reasons": [] if health.override else health.client_reasons,
                "override": None,
            }
        return Response(HealthSerializer(data).data)

    @extend_schema(responses=MembershipSerializer(many=True))
    @action(detail=True, methods=["get"])
    def members(self, request: AuthenticatedRequest, pk: str) -> Response:
        project = self.get_object()
        memberships = membership_list_for(user=request.user, project=project)
        page = self.paginate_queryset(memberships)
        return self.get_paginated_response(MembershipSerializer(page, many=True).data)


class ObjectiveViewSet(RevisionedViewMixin, ProjectScopedViewSet, mixins.ListModelMixin):
    """The project's objectives: everyone in the project reads them, the PM changes them."""

    serializer_class = ObjectiveSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": "projects.edit_plan",
        "partial_update": "projects.edit_plan",
        "destroy": "projects.edit_plan",
    }

    def get_queryset(self) -> QuerySet[Objective]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return Objective.objects.none()
        return objective_list_for(user=self.request.user, project=self.project)

    def get_object(self) -> Objective:
        objective = self.get_queryset().filter(pk=int(self.kwargs["pk"])).first()
        if objective is None:
            raise NotFound()
        return objective

    @extend_schema(request=ObjectiveInputSerializer, responses={201: ObjectiveSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = ObjectiveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objective = objective_create(
            actor=request.user, project=self.project, **data.validated_data
        )
        return Response(ObjectiveSerializer(objective).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ObjectiveInputSerializer(partial=True), responses=ObjectiveSerializer)
    def partial_update(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        objective = self.get_object()
        data = ObjectiveInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.validated_data  # the fields not sent keep their saved values
        objective = objective_update(
            actor=request.user, objective=objective, revision=self.if_match_revision(), **values
        )
        return Response(ObjectiveSerializer(objective).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        objective_delete(actor=request.user, objective=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
