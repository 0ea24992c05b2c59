"""The stakeholders API: the same rules as the pages (services authorise, selectors scope)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from common.errors import InvalidInput, NotFound
from projects.api.views import ProjectScopedViewSet
from projects.models import Deliverable
from projects.permissions import can_view_internal_items
from stakeholders.api.serializers_meetings import (
    ActionItemDoneSerializer,
    ActionItemInputSerializer,
    ActionItemSerializer,
    CommunicationItemInputSerializer,
    CommunicationItemSerializer,
    DecisionInputSerializer,
    DecisionLogEntrySerializer,
    InternalStakeholderSerializer,
    MeetingDecisionSerializer,
    MeetingInputSerializer,
    MeetingSerializer,
    RaciAssignmentSerializer,
    RaciInputSerializer,
    StakeholderInputSerializer,
    StakeholderSerializer,
)
from stakeholders.decisions import decision_log_for
from stakeholders.models import CommunicationItem, Meeting, RaciAssignment, Stakeholder
from stakeholders.permissions_meetings import can_complete_action_item
from stakeholders.selectors_meetings import (
    action_item_get_for,
    communication_plan_for,
    meeting_get_for,
    meeting_list_for,
    raci_list_for,
    stakeholder_list_for,
)
from stakeholders.services_meetings import (
    action_item_create,
    action_item_set_done,
    communication_item_create,
    meeting_create,
    meeting_decision_record,
    raci_assign,
    stakeholder_create,
)

EDIT_REGISTER = "stakeholders.edit_register"
MANAGE_MEETINGS = "stakeholders.manage_meetings"


def _fake(view: Any) -> bool:
    return getattr(view, "swagger_fake_view", False)


class StakeholderViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """The register: the provider side reads it all, clients the client-visible entries."""

    action_permissions = {"create": EDIT_REGISTER}

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if _fake(self) or can_view_internal_items(self.request.user, self.project):
            return InternalStakeholderSerializer
        return StakeholderSerializer

    def get_queryset(self) -> QuerySet[Stakeholder]:
        if _fake(self):
            return Stakeholder.objects.none()
        return stakeholder_list_for(user=self.request.user, project=self.project)

    @extend_schema(
        request=StakeholderInputSerializer, responses={201: InternalStakeholderSerializer}
    )
    def create(self, request: Request, project_pk: str) -> Response:
        data = StakeholderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stakeholder = stakeholder_create(
            actor=request.user, project=self.project, **data.validated_data
        )
        return Response(
            InternalStakeholderSerializer(stakeholder).data, status=status.HTTP_201_CREATED
        )


class CommunicationItemViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    serializer_class = CommunicationItemSerializer
    action_permissions = {"create": EDIT_REGISTER}

    def get_queryset(self) -> QuerySet[CommunicationItem]:
        if _fake(self):
            return CommunicationItem.objects.none()
        return communication_plan_for(user=self.request.user, project=self.project)

    @extend_schema(
        request=CommunicationItemInputSerializer, responses={201: CommunicationItemSerializer}
    )
    def create(self, request: Request, project_pk: str) -> Response:
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

    serializer_class = RaciAssignmentSerializer
    action_permissions = {"create": EDIT_REGISTER}

    def get_queryset(self) -> QuerySet[RaciAssignment]:
        if _fake(self):
            return RaciAssignment.objects.none()
        return raci_list_for(user=self.request.user, project=self.project)

    @extend_schema(request=RaciInputSerializer, responses={201: RaciAssignmentSerializer})
    def create(self, request: Request, project_pk: str) -> Response:
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


class MeetingViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """Meetings with their decisions and action items; internal minutes are blank for clients,
    and so are the decisions and action items of such a meeting."""

    serializer_class = MeetingSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": MANAGE_MEETINGS,
        "decisions": MANAGE_MEETINGS,
        "action_items": MANAGE_MEETINGS,
    }

    def get_queryset(self) -> QuerySet[Meeting]:
        if _fake(self):
            return Meeting.objects.none()
        return meeting_list_for(user=self.request.user, project=self.project)

    def retrieve(self, request: Request, project_pk: str, pk: str) -> Response:
        meeting = meeting_get_for(user=request.user, project=self.project, meeting_id=int(pk))
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(request=MeetingInputSerializer, responses={201: MeetingSerializer})
    def create(self, request: Request, project_pk: str) -> Response:
        data = MeetingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = meeting_create(actor=request.user, project=self.project, **data.validated_data)
        meeting = meeting_get_for(user=request.user, project=self.project, meeting_id=meeting.pk)
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionInputSerializer, responses={201: MeetingDecisionSerializer})
    @action(detail=True, methods=["post"])
    def decisions(self, request: Request, project_pk: str, pk: str) -> Response:
        """Record a decision of the meeting (the PM and the team)."""
        meeting = meeting_get_for(user=request.user, project=self.project, meeting_id=int(pk))
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = meeting_decision_record(
            actor=request.user, meeting=meeting, **data.validated_data
        )
        return Response(MeetingDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionItemInputSerializer, responses={201: ActionItemSerializer})
    @action(detail=True, methods=["post"], url_path="action-items")
    def action_items(self, request: Request, project_pk: str, pk: str) -> Response:
        """Give a member an action item (the PM and the team)."""
        meeting = meeting_get_for(user=request.user, project=self.project, meeting_id=int(pk))
        data = ActionItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        owner = get_user_model().objects.filter(pk=values.pop("owner")).first()
        if owner is None:
            raise InvalidInput(field="owner")
        item = action_item_create(actor=request.user, meeting=meeting, owner=owner, **values)
        return Response(ActionItemSerializer(item).data, status=status.HTTP_201_CREATED)


class ActionItemViewSet(ProjectScopedViewSet):
    """An action item's done toggle: its owner, or the project's PM and team."""

    serializer_class = ActionItemSerializer
    lookup_value_regex = r"\d+"

    @extend_schema(request=ActionItemDoneSerializer, responses=ActionItemSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request: Request, project_pk: str, pk: str) -> Response:
        item = action_item_get_for(user=request.user, item_id=int(pk))
        if item.meeting.project_id != self.project.pk:
            raise NotFound
        if not can_complete_action_item(request.user, item):
            raise PermissionDenied()
        data = ActionItemDoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = action_item_set_done(
            actor=request.user, item=item, is_done=data.validated_data["is_done"]
        )
        return Response(ActionItemSerializer(item).data)


class DecisionLogViewSet(ProjectScopedViewSet):
    """The decision log, latest first (the client-visible part for clients)."""

    serializer_class = DecisionLogEntrySerializer
    pagination_class = None
    queryset = Meeting.objects.none()  # for the schema only; the log is built by decision_log_for

    @extend_schema(responses=DecisionLogEntrySerializer(many=True))
    def list(self, request: Request, project_pk: str) -> Response:
        portal = not can_view_internal_items(request.user, self.project)
        rows = [
            {
                "decided_at": d.decided_at,
                "kind": str(d.kind),
                "text": d.text,
                "decided_by": d.decided_by,
                "side": str(d.side),
                "url": (d.portal_url if portal else d.staff_url) or "",
            }
            for d in decision_log_for(user=request.user, project=self.project)
        ]
        return Response(DecisionLogEntrySerializer(rows, many=True).data)
