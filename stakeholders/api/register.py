"""API for the register, the communication plan and the RACI: the same selectors, services and
rules as the pages; attitudes and internal notes only for the provider side."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.errors import InvalidInput
from common.text import LONG_TEXT_MAX_LENGTH
from projects.api.base import ProjectScopedViewSet
from projects.models import Deliverable, Visibility
from projects.permissions import can_view_internal_items
from stakeholders.models import Attitude, CommunicationItem, RaciAssignment, RaciLetter, Stakeholder
from stakeholders.selectors.register import (
    communication_plan_for,
    raci_list_for,
    stakeholder_list_for,
)
from stakeholders.services.register import (
    communication_item_create,
    raci_assign,
    stakeholder_create,
)


class StakeholderSerializer(serializers.ModelSerializer):
    """A register entry as a client may see it: who the person is, not the team's analysis."""

    class Meta:
        model = Stakeholder
        fields = ["id", "name", "organisation", "role", "contact", "user", "visibility"]
        read_only_fields = fields


class InternalStakeholderSerializer(StakeholderSerializer):
    """The provider side's register entry: with influence, interest, attitude and strategy."""

    class Meta(StakeholderSerializer.Meta):
        fields = [
            *StakeholderSerializer.Meta.fields,
            "influence",
            "interest",
            "attitude",
            "engagement_strategy",
        ]
        read_only_fields = fields


class StakeholderInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=200, required=False, default="")
    role = serializers.CharField(max_length=200, required=False, default="")
    contact = serializers.CharField(max_length=200, required=False, default="")
    influence = serializers.IntegerField(min_value=1, max_value=5, default=3)
    interest = serializers.IntegerField(min_value=1, max_value=5, default=3)
    attitude = serializers.ChoiceField(choices=Attitude.choices, default=Attitude.NEUTRAL)
    engagement_strategy = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.INTERNAL)


class CommunicationItemSerializer(serializers.ModelSerializer):
    recipients = serializers.SerializerMethodField()

    class Meta:
        model = CommunicationItem
        fields = ["id", "what", "recipients", "sender", "channel", "frequency", "visibility"]

    def get_recipients(self, item: CommunicationItem) -> list[int]:
        return [stakeholder.pk for stakeholder in item.recipients.all()]


class CommunicationItemInputSerializer(serializers.Serializer):
    what = serializers.CharField(max_length=200)
    recipients = serializers.ListField(child=serializers.IntegerField(), default=list)
    channel = serializers.CharField(max_length=100, required=False, default="")
    frequency = serializers.CharField(max_length=100, required=False, default="")
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.CLIENT)


class RaciAssignmentSerializer(serializers.ModelSerializer):
    row = serializers.CharField(source="row_label")
    person = serializers.CharField(source="person_label")

    class Meta:
        model = RaciAssignment
        fields = [
            "id",
            "row",
            "work_area",
            "deliverable",
            "person",
            "stakeholder",
            "user",
            "letter",
        ]


class RaciInputSerializer(serializers.Serializer):
    letter = serializers.ChoiceField(choices=RaciLetter.choices)
    work_area = serializers.CharField(max_length=200, required=False, default="")
    deliverable = serializers.IntegerField(required=False, allow_null=True, default=None)
    stakeholder = serializers.IntegerField(required=False, allow_null=True, default=None)
    user = serializers.IntegerField(required=False, allow_null=True, default=None)


EDIT_REGISTER = "stakeholders.edit_register"


def is_schema_generation(view: Any) -> bool:
    """Whether the view runs for the OpenAPI schema (no request user, no project)."""
    return getattr(view, "swagger_fake_view", False)


class StakeholderViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """The register: the provider side reads it all, clients the client-visible entries."""

    request: AuthenticatedRequest

    action_permissions = {"create": EDIT_REGISTER}

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if is_schema_generation(self) or can_view_internal_items(self.request.user, self.project):
            return InternalStakeholderSerializer
        return StakeholderSerializer

    def get_queryset(self) -> QuerySet[Stakeholder]:
        if is_schema_generation(self):
            return Stakeholder.objects.none()
        return stakeholder_list_for(user=self.request.user, project=self.project)

    @extend_schema(
        request=StakeholderInputSerializer, responses={201: InternalStakeholderSerializer}
    )
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = StakeholderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stakeholder = stakeholder_create(
            actor=request.user, project=self.project, **data.validated_data
        )
        return Response(
            InternalStakeholderSerializer(stakeholder).data, status=status.HTTP_201_CREATED
        )


class CommunicationItemViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    request: AuthenticatedRequest

    serializer_class = CommunicationItemSerializer
    action_permissions = {"create": EDIT_REGISTER}

    def get_queryset(self) -> QuerySet[CommunicationItem]:
        if is_schema_generation(self):
            return CommunicationItem.objects.none()
        return communication_plan_for(user=self.request.user, project=self.project)

    @extend_schema(
        request=CommunicationItemInputSerializer, responses={201: CommunicationItemSerializer}
    )
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = CommunicationItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        ids = values.pop("recipients")
        recipients = list(Stakeholder.objects.filter(project=self.project, pk__in=ids))
        if len(recipients) != len(set(ids)):
            raise InvalidInput(field="recipients")
        item = communication_item_create(
            actor=request.user, project=self.project, recipients=recipients, **values
        )
        item = communication_plan_for(user=request.user, project=self.project).get(pk=item.pk)
        return Response(CommunicationItemSerializer(item).data, status=status.HTTP_201_CREATED)


class RaciViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """The RACI (client visible); the PM sets a letter (one A per row, kept by the service)."""

    request: AuthenticatedRequest

    serializer_class = RaciAssignmentSerializer
    action_permissions = {"create": EDIT_REGISTER}

    def get_queryset(self) -> QuerySet[RaciAssignment]:
        if is_schema_generation(self):
            return RaciAssignment.objects.none()
        return raci_list_for(user=self.request.user, project=self.project)

    @extend_schema(request=RaciInputSerializer, responses={201: RaciAssignmentSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = RaciInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        deliverable = stakeholder = user = None
        if values["deliverable"] is not None:
            deliverable = Deliverable.objects.filter(
                project=self.project, pk=values["deliverable"]
            ).first()
            if deliverable is None:
                raise InvalidInput(field="deliverable")
        if values["stakeholder"] is not None:
            stakeholder = Stakeholder.objects.filter(
                project=self.project, pk=values["stakeholder"]
            ).first()
            if stakeholder is None:
                raise InvalidInput(field="stakeholder")
        if values["user"] is not None:
            user = get_user_model().objects.filter(pk=values["user"]).first()
            if user is None:
                raise InvalidInput(field="user")
        assignment = raci_assign(
            actor=request.user,
            project=self.project,
            letter=values["letter"],
            work_area=values["work_area"],
            deliverable=deliverable,
            stakeholder=stakeholder,
            user=user,
        )
        return Response(RaciAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)
