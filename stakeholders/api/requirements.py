"""Requirements in the API: the same selectors, services and rules as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.api import LeanListMixin
from common.api_revisions import RevisionedViewMixin
from common.errors import InvalidInput
from common.serializers import ModelSerializer
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from projects.api.base import ProjectScopedViewSet
from projects.models import Deliverable, Milestone, Visibility
from stakeholders.models import Confirmation, Requirement, RequirementVersion
from stakeholders.selectors.requirements import requirement_get_for, requirement_list_for
from stakeholders.services.requirement_workflow import transitions_available
from stakeholders.services.requirements import (
    requirement_confirm,
    requirement_create,
    requirement_transition,
    requirement_update,
)


class RequirementSerializer(ModelSerializer):
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Requirement
        fields = [
            "id",
            "reference",
            "number",
            "title",
            "description",
            "source",
            "priority",
            "acceptance_notes",
            "visibility",
            "status",
            "status_reason",
            "version",
            "revision",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        reads = {"reference": ["number"]}


class RequirementDetailSerializer(RequirementSerializer):
    milestones: serializers.PrimaryKeyRelatedField[Milestone] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    deliverables: serializers.PrimaryKeyRelatedField[Deliverable] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )

    class Meta(RequirementSerializer.Meta):
        fields = [*RequirementSerializer.Meta.fields, "milestones", "deliverables"]
        read_only_fields = fields


class RequirementInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT_MAX_LENGTH
    )
    priority = serializers.ChoiceField(
        choices=Requirement.Priority.choices, default=Requirement.Priority.SHOULD
    )
    acceptance_notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT_MAX_LENGTH
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    milestones = serializers.ListField(child=serializers.IntegerField(), required=False)
    deliverables = serializers.ListField(child=serializers.IntegerField(), required=False)


class RequirementUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    priority = serializers.ChoiceField(choices=Requirement.Priority.choices, required=False)
    acceptance_notes = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    milestones = serializers.ListField(child=serializers.IntegerField(), required=False)
    deliverables = serializers.ListField(child=serializers.IntegerField(), required=False)


class TransitionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=["submit", "clarify", "start", "deliver", "accept", "defer", "reject"]
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=SHORT_TEXT_MAX_LENGTH
    )


class TransitionAvailableSerializer(serializers.Serializer):
    """A step the caller may take now: `name` is what POST .../transition/ takes as `to`."""

    name = serializers.CharField()
    target = serializers.CharField()
    needs_reason = serializers.BooleanField()


class ConfirmInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


class RequirementVersionSerializer(ModelSerializer):
    class Meta:
        model = RequirementVersion
        fields = [
            "number",
            "title",
            "description",
            "priority",
            "acceptance_notes",
            "visibility",
            "created_at",
        ]
        read_only_fields = fields


class ConfirmationSerializer(ModelSerializer):
    class Meta:
        model = Confirmation
        fields = [
            "version",
            "title",
            "description",
            "priority",
            "acceptance_notes",
            "confirmed_by",
            "confirmed_at",
        ]
        read_only_fields = fields


class RequirementViewSet(
    LeanListMixin,
    RevisionedViewMixin,
    ProjectScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
):
    """Requirements of a project: the team drafts and triages, the client submits, confirms the
    version it read and accepts what was delivered."""

    request: AuthenticatedRequest

    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": "projects.submit_requirement",
        "confirm": "projects.confirm_requirement",
    }

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return RequirementSerializer if self.action == "list" else RequirementDetailSerializer

    def get_queryset(self) -> QuerySet[Requirement]:
        if getattr(self, "swagger_fake_view", False):
            return Requirement.objects.none()
        return requirement_list_for(
            user=self.request.user,
            project=self.project,
            status=self.request.query_params.get("status", ""),
            priority=self.request.query_params.get("priority", ""),
        )

    def get_object(self) -> Requirement:
        return requirement_get_for(
            user=self.request.user, project=self.project, requirement_id=int(self.kwargs["pk"])
        )

    def _links(self, values: dict[str, Any]) -> dict[str, Any]:
        for field, model in (("milestones", Milestone), ("deliverables", Deliverable)):
            if field in values:
                ids = set(values[field])
                found = list(model.objects.filter(project=self.project, pk__in=ids))
                if len(found) != len(ids):
                    raise InvalidInput(_("Unknown item of this project."), field=field)
                values[field] = found
        return values

    @extend_schema(request=RequirementInputSerializer, responses={201: RequirementDetailSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = RequirementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        requirement = requirement_create(
            actor=request.user, project=self.project, **self._links(dict(data.validated_data))
        )
        return Response(
            RequirementDetailSerializer(requirement).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=RequirementUpdateSerializer, responses=RequirementDetailSerializer)
    def partial_update(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        data = RequirementUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        requirement_update(
            actor=request.user,
            requirement=self.get_object(),
            revision=self.if_match_revision(),
            **self._links(dict(data.validated_data)),
        )
        return Response(RequirementDetailSerializer(self.get_object()).data)

    @extend_schema(request=TransitionInputSerializer, responses=RequirementDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        data = TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        requirement_transition(
            actor=request.user, requirement=self.get_object(), **data.validated_data
        )
        return Response(RequirementDetailSerializer(self.get_object()).data)

    @extend_schema(request=ConfirmInputSerializer, responses=RequirementDetailSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        data = ConfirmInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        requirement_confirm(
            actor=request.user,
            requirement=self.get_object(),
            version=data.validated_data["version"],
        )
        return Response(RequirementDetailSerializer(self.get_object()).data)

    @extend_schema(responses=RequirementVersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        return Response(
            RequirementVersionSerializer(self.get_object().versions.all(), many=True).data
        )

    @extend_schema(
        summary="The steps the caller may take on a requirement now",
        responses=TransitionAvailableSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def transitions(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """What the requirement page offers the caller as buttons: each step's name (for
        POST .../transition/), the status it leads to and whether it needs a reason."""
        steps = transitions_available(user=request.user, requirement=self.get_object())
        return Response(TransitionAvailableSerializer(steps, many=True).data)
