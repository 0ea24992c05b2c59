"""API for change requests: /api/v1/projects/{project_pk}/change-requests/ (list, create,
retrieve; assess, approve, reject). The same services and selectors as the pages; the team's
internal note is in the output only for the provider side."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.api_revisions import RevisionedViewMixin
from common.serializers import ModelSerializer
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from projects.api.base import ProjectScopedViewSet
from projects.models import Visibility
from projects.permissions import (
    can_approve_change_for_client,
    can_approve_change_for_provider,
    can_view_internal_items,
)
from stakeholders.models import ChangeRequest, ScheduleImpact
from stakeholders.selectors.changes import change_request_get_for, change_request_list_for
from stakeholders.services.changes import (
    change_request_approve,
    change_request_assess,
    change_request_create,
    change_request_reject,
)


class ScheduleImpactSerializer(ModelSerializer):
    milestone_name = serializers.CharField(source="milestone.name", read_only=True)

    class Meta:
        model = ScheduleImpact
        fields = ["milestone", "milestone_name", "days"]


class LinkedRequirementSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)


class ChangeRequestSerializer(ModelSerializer):
    reference = serializers.CharField(read_only=True)
    requested_by = serializers.CharField(source="requested_by.display_name", read_only=True)
    provider_approved_by = serializers.CharField(
        source="provider_approved_by.display_name", read_only=True, default=None, allow_null=True
    )
    client_approved_by = serializers.CharField(
        source="client_approved_by.display_name", read_only=True, default=None, allow_null=True
    )
    rejected_by = serializers.CharField(
        source="rejected_by.display_name", read_only=True, default=None, allow_null=True
    )
    baseline_number = serializers.IntegerField(
        source="baseline.number", read_only=True, default=None, allow_null=True
    )
    schedule_impacts = ScheduleImpactSerializer(many=True, read_only=True)
    # Prefetched per person by the selector: a client gets only client-visible requirements.
    requirements = LinkedRequirementSerializer(many=True, read_only=True)

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "reason",
            "status",
            "visibility",
            "requested_by",
            "requested_side",
            "requested_at",
            "scope_impact",
            "cost_impact",
            "contingency_impact",
            "rebaseline",
            "baseline_number",
            "schedule_impacts",
            "requirements",
            "provider_approved_by",
            "provider_approved_at",
            "client_approved_by",
            "client_approved_at",
            "rejected_by",
            "rejected_at",
            "rejection_reason",
            "applied_at",
            "revision",
        ]


class InternalChangeRequestSerializer(ChangeRequestSerializer):
    """The provider side's view: with the team's internal note."""

    class Meta(ChangeRequestSerializer.Meta):
        fields = [*ChangeRequestSerializer.Meta.fields, "internal_note"]


class ChangeRequestInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT_MAX_LENGTH
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=SHORT_TEXT_MAX_LENGTH
    )
    visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, default=Visibility.CLIENT
    )
    requirements = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=500
    )


class ChangeRequestScheduleInputSerializer(serializers.Serializer):
    milestone = serializers.IntegerField()
    days = serializers.IntegerField()


class ChangeRequestAssessInputSerializer(serializers.Serializer):
    scope_impact = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT_MAX_LENGTH
    )
    cost_impact = serializers.DecimalField(max_digits=14, decimal_places=2)
    contingency_impact = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, default=None, allow_null=True
    )
    rebaseline = serializers.BooleanField(required=False, default=None, allow_null=True)
    internal_note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT_MAX_LENGTH
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    schedule = ChangeRequestScheduleInputSerializer(many=True, required=False, default=list)
    requirements = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=500
    )


class ChangeRequestRejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=SHORT_TEXT_MAX_LENGTH)


class ChangeRequestViewSet(
    RevisionedViewMixin, ProjectScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    """Change requests: raised by either side, assessed by the PM, approved by both sides."""

    request: AuthenticatedRequest

    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": "projects.submit_requirement",
        "assess": "projects.edit_plan",
    }

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if getattr(self, "swagger_fake_view", False):
            return InternalChangeRequestSerializer
        if can_view_internal_items(self.request.user, self.project):
            return InternalChangeRequestSerializer
        return ChangeRequestSerializer

    def get_queryset(self) -> QuerySet[ChangeRequest]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return ChangeRequest.objects.none()
        return change_request_list_for(user=self.request.user, project=self.project)

    def get_object(self) -> ChangeRequest:
        return change_request_get_for(
            user=self.request.user, project=self.project, cr_id=int(self.kwargs["pk"])
        )

    def _out(self, cr: ChangeRequest, **kwargs: Any) -> Response:
        cr = self.get_queryset().get(pk=cr.pk)
        return Response(self.get_serializer_class()(cr).data, **kwargs)

    @extend_schema(request=ChangeRequestInputSerializer, responses={201: ChangeRequestSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = ChangeRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cr = change_request_create(actor=request.user, project=self.project, **data.validated_data)
        return self._out(cr, status=status.HTTP_201_CREATED)

    @extend_schema(request=ChangeRequestAssessInputSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def assess(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        data = ChangeRequestAssessInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        schedule = {row["milestone"]: row["days"] for row in values.pop("schedule")}
        cr = change_request_assess(
            actor=request.user, change_request=self.get_object(), schedule=schedule, **values
        )
        return self._out(cr)

    @extend_schema(request=None, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        cr = change_request_approve(actor=request.user, change_request=self.get_object())
        return self._out(cr)

    @extend_schema(request=ChangeRequestRejectInputSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        # Either side's approver; refused before the input is even read.
        if not (
            can_approve_change_for_provider(request.user, self.project)
            or can_approve_change_for_client(request.user, self.project)
        ):
            raise PermissionDenied()
        data = ChangeRequestRejectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cr = change_request_reject(
            actor=request.user, change_request=self.get_object(), **data.validated_data
        )
        return self._out(cr)
