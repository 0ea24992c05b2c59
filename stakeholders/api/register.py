"""API for the register, the communication plan and the RACI: the same selectors, services and
rules as the pages; attitudes and internal notes only for the provider side."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.api_revisions import RevisionedViewMixin
from common.errors import InvalidInput, NotFound
from common.serializers import ModelSerializer
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
    communication_item_delete,
    communication_item_update,
    raci_assign,
    raci_unassign,
    stakeholder_create,
    stakeholder_delete,
    stakeholder_update,
)


class StakeholderSerializer(ModelSerializer):
    """A register entry as a client may see it: who the person is, not the team's analysis."""

    class Meta:
        model = Stakeholder
        fields = [
            "id",
            "name",
            "organisation",
            "role",
            "contact",
            "user",
            "visibility",
            "revision",
        ]
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


class StakeholderUpdateSerializer(serializers.Serializer):
    """Only the fields sent change."""

    name = serializers.CharField(max_length=200, required=False)
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    influence = serializers.IntegerField(min_value=1, max_value=5, required=False)
    interest = serializers.IntegerField(min_value=1, max_value=5, required=False)
    attitude = serializers.ChoiceField(choices=Attitude.choices, required=False)
    engagement_strategy = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)


class CommunicationItemSerializer(ModelSerializer):
    recipients = serializers.SerializerMethodField()

    class Meta:
        model = CommunicationItem
        fields = [
            "id",
            "what",
            "recipients",
            "sender",
            "channel",
            "frequency",
            "visibility",
            "revision",
        ]

    def get_recipients(self, item: CommunicationItem) -> list[int]:
        return [stakeholder.pk for stakeholder in item.recipients.all()]


class CommunicationItemInputSerializer(serializers.Serializer):
    what = serializers.CharField(max_length=200)
    recipients = serializers.ListField(child=serializers.IntegerField(), default=list)
    channel = serializers.CharField(max_length=100, required=False, default="")
    frequency = serializers.CharField(max_length=100, required=False, default="")
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.CLIENT)


class CommunicationItemUpdateSerializer(serializers.Serializer):
    """Only the fields sent change; `recipients`, when sent, replaces the list."""

    what = serializers.CharField(max_length=200, required=False)
    recipients = serializers.ListField(child=serializers.IntegerField(), required=False)
    sender = serializers.IntegerField(required=False, allow_null=True)
    channel = serializers.CharField(max_length=100, required=False, allow_blank=True)
    frequency = serializers.CharField(max_length=100, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)


class RaciAssignmentSerializer(ModelSerializer):
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


class StakeholderViewSet(RevisionedViewMixin, ProjectScopedViewSet, mixins.ListModelMixin):
    """The register: the provider side reads it all, clients the client-visible entries."""

    request: AuthenticatedRequest

    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": EDIT_REGISTER,
        "partial_update": EDIT_REGISTER,
        "destroy": EDIT_REGISTER,
    }

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

    def get_object(self) -> Stakeholder:
        stakeholder = self.get_queryset().filter(pk=int(self.kwargs["pk"])).first()
        if stakeholder is None:
            raise NotFound
        return stakeholder

    @extend_schema(
        summary="Change an entry of the register",
        request=StakeholderUpdateSerializer,
        responses=InternalStakeholderSerializer,
        examples=[
            OpenApiExample(
                "A supporter with more influence",
                value={"influence": 5, "attitude": "supportive"},
                request_only=True,
            )
        ],
    )
    def partial_update(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """The PM changes an entry; only the fields sent change."""
        stakeholder = self.get_object()
        data = StakeholderUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        stakeholder = stakeholder_update(
            actor=request.user,
            stakeholder=stakeholder,
            revision=self.if_match_revision(),
            **data.validated_data,
        )
        return Response(InternalStakeholderSerializer(stakeholder).data)

    @extend_schema(summary="Remove an entry of the register", request=None, responses={204: None})
    def destroy(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """The PM removes someone from the register with their RACI letters; refused (400)
        while they hold the A of a row that has other letters."""
        stakeholder_delete(actor=request.user, stakeholder=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommunicationItemViewSet(RevisionedViewMixin, ProjectScopedViewSet, mixins.ListModelMixin):
    request: AuthenticatedRequest

    serializer_class = CommunicationItemSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": EDIT_REGISTER,
        "partial_update": EDIT_REGISTER,
        "destroy": EDIT_REGISTER,
    }

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

    def get_object(self) -> CommunicationItem:
        item = self.get_queryset().filter(pk=int(self.kwargs["pk"])).first()
        if item is None:
            raise NotFound
        return item

    @extend_schema(
        summary="Change a line of the communication plan",
        request=CommunicationItemUpdateSerializer,
        responses=CommunicationItemSerializer,
        examples=[
            OpenApiExample(
                "Every two weeks by e-mail",
                value={"frequency": "Every two weeks", "channel": "E-mail"},
                request_only=True,
            )
        ],
    )
    def partial_update(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """The PM changes a line; only the fields sent change."""
        item = self.get_object()
        data = CommunicationItemUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "recipients" in values:
            ids = set(values["recipients"])
            recipients = list(Stakeholder.objects.filter(project=self.project, pk__in=ids))
            if len(recipients) != len(ids):
                raise InvalidInput(
                    _("A recipient is not in this project's register."), field="recipients"
                )
        else:
            recipients = list(item.recipients.all())
        sender = item.sender
        if "sender" in values:
            sender = None
            if values["sender"] is not None:
                sender = get_user_model().objects.filter(pk=values["sender"]).first()
                if sender is None:
                    raise InvalidInput(_("Unknown person."), field="sender")
        communication_item_update(
            actor=request.user,
            item=item,
            what=values.get("what", item.what),
            recipients=recipients,
            sender=sender,
            channel=values.get("channel", item.channel),
            frequency=values.get("frequency", item.frequency),
            visibility=values.get("visibility"),
            revision=self.if_match_revision(),
        )
        return Response(CommunicationItemSerializer(self.get_object()).data)

    @extend_schema(
        summary="Remove a line of the communication plan", request=None, responses={204: None}
    )
    def destroy(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        communication_item_delete(actor=request.user, item=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class RaciViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """The RACI (client visible); the PM sets a letter (one A per row, kept by the service)."""

    request: AuthenticatedRequest

    serializer_class = RaciAssignmentSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {"create": EDIT_REGISTER, "destroy": EDIT_REGISTER}

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

    @extend_schema(summary="Clear a cell of the RACI", request=None, responses={204: None})
    def destroy(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """The PM clears a cell; the A of a row with other letters cannot be cleared (400:
        give the A to someone else first)."""
        assignment = self.get_queryset().filter(pk=int(pk)).first()
        if assignment is None:
            raise NotFound
        raci_unassign(actor=request.user, assignment=assignment)
        return Response(status=status.HTTP_204_NO_CONTENT)
