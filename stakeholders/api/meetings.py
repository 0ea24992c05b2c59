"""API for meetings and their decisions and action items: the same selectors, services and
rules as the pages."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.api_revisions import RevisionedViewMixin
from common.errors import InvalidInput, NotFound
from common.serializers import ModelSerializer
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from projects.api.base import ProjectScopedViewSet
from projects.models import Visibility
from stakeholders.api.register import is_schema_generation
from stakeholders.models import ActionItem, Meeting, MeetingDecision, Side, Stakeholder
from stakeholders.permissions import can_complete_action_item
from stakeholders.selectors.meetings import action_item_get_for, meeting_get_for, meeting_list_for
from stakeholders.services.meetings import (
    action_item_create,
    action_item_set_done,
    meeting_create,
    meeting_decision_record,
    meeting_update,
    meeting_update_minutes,
)


class MeetingDecisionSerializer(ModelSerializer):
    class Meta:
        model = MeetingDecision
        fields = ["id", "text", "decided_by", "recorded_at"]


class ActionItemSerializer(ModelSerializer):
    class Meta:
        model = ActionItem
        fields = ["id", "meeting", "text", "owner", "due_date", "is_done", "done_at"]


class MeetingSerializer(ModelSerializer):
    """`minutes` is what the caller may read: empty for a client when they are internal.
    `attendees` and `stakeholder_attendees` are those the caller may see."""

    minutes = serializers.CharField(source="visible_minutes")
    decisions = MeetingDecisionSerializer(many=True)
    action_items = ActionItemSerializer(many=True)
    attendees = serializers.SerializerMethodField()
    stakeholder_attendees = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "visibility",
            "starts_at",
            "location",
            "attendees",
            "stakeholder_attendees",
            "agenda",
            "minutes",
            "minutes_visibility",
            "decisions",
            "action_items",
            "revision",
        ]

    def get_attendees(self, meeting: Meeting) -> list[int]:
        return [person.pk for person in meeting.attendees.all()]

    def get_stakeholder_attendees(self, meeting: Meeting) -> list[int]:
        return [stakeholder.pk for stakeholder in meeting.stakeholder_attendees.all()]


class MeetingInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.INTERNAL)
    starts_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=500, required=False, default="")
    agenda = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    minutes = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    minutes_visibility = serializers.ChoiceField(
        choices=Visibility.choices, default=Visibility.INTERNAL
    )


class MeetingUpdateSerializer(serializers.Serializer):
    """Only the fields sent change; attendees, when sent, replace the list."""

    title = serializers.CharField(max_length=200, required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    starts_at = serializers.DateTimeField(required=False)
    location = serializers.CharField(max_length=500, required=False, allow_blank=True)
    agenda = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    attendees = serializers.ListField(child=serializers.IntegerField(), required=False)
    stakeholder_attendees = serializers.ListField(child=serializers.IntegerField(), required=False)


class MinutesInputSerializer(serializers.Serializer):
    minutes = serializers.CharField(allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    minutes_visibility = serializers.ChoiceField(choices=Visibility.choices)


class DecisionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=SHORT_TEXT_MAX_LENGTH)
    decided_by = serializers.ChoiceField(choices=Side.choices, default=Side.JOINT)


class ActionItemInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=SHORT_TEXT_MAX_LENGTH)
    owner = serializers.IntegerField()
    due_date = serializers.DateField(required=False, allow_null=True, default=None)


class ActionItemDoneSerializer(serializers.Serializer):
    is_done = serializers.BooleanField()


MANAGE_MEETINGS = "stakeholders.manage_meetings"


class MeetingViewSet(RevisionedViewMixin, ProjectScopedViewSet, mixins.ListModelMixin):
    """Meetings with their decisions and action items; internal minutes are blank for clients,
    and so are the decisions and action items of such a meeting."""

    request: AuthenticatedRequest

    serializer_class = MeetingSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": MANAGE_MEETINGS,
        "decisions": MANAGE_MEETINGS,
        "action_items": MANAGE_MEETINGS,
        "partial_update": MANAGE_MEETINGS,
        "minutes": MANAGE_MEETINGS,
    }

    def get_queryset(self) -> QuerySet[Meeting]:
        if is_schema_generation(self):
            return Meeting.objects.none()
        return meeting_list_for(user=self.request.user, project=self.project)

    def retrieve(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        meeting = meeting_get_for(user=request.user, project=self.project, meeting_id=int(pk))
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(request=MeetingInputSerializer, responses={201: MeetingSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = MeetingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = meeting_create(actor=request.user, project=self.project, **data.validated_data)
        meeting = meeting_get_for(user=request.user, project=self.project, meeting_id=meeting.pk)
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a meeting",
        request=MeetingUpdateSerializer,
        responses=MeetingSerializer,
        examples=[
            OpenApiExample(
                "Move the meeting and share it with the client",
                value={"starts_at": "2027-01-12T10:00:00+01:00", "visibility": "client"},
                request_only=True,
            )
        ],
    )
    def partial_update(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """The PM and the team reschedule a meeting or change its agenda, attendees and
        visibility: the same rules as the meeting page."""
        meeting = meeting_get_for(user=request.user, project=self.project, meeting_id=int(pk))
        data = MeetingUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "attendees" in values:
            ids = set(values["attendees"])
            attendees = list(get_user_model().objects.filter(pk__in=ids))
            if len(attendees) != len(ids):
                raise InvalidInput(_("Unknown person."), field="attendees")
        else:
            attendees = list(meeting.attendees.all())
        if "stakeholder_attendees" in values:
            ids = set(values["stakeholder_attendees"])
            stakeholders = list(Stakeholder.objects.filter(project=self.project, pk__in=ids))
            if len(stakeholders) != len(ids):
                raise InvalidInput(
                    _("Unknown stakeholder of this project."), field="stakeholder_attendees"
                )
        else:
            stakeholders = list(meeting.stakeholder_attendees.all())
        meeting_update(
            actor=request.user,
            meeting=meeting,
            title=values.get("title", meeting.title),
            starts_at=values.get("starts_at", meeting.starts_at),
            location=values.get("location", meeting.location),
            agenda=values.get("agenda", meeting.agenda),
            visibility=values.get("visibility"),
            attendees=attendees,
            stakeholder_attendees=stakeholders,
            revision=self.if_match_revision(),
        )
        meeting = meeting_get_for(user=request.user, project=self.project, meeting_id=meeting.pk)
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(
        summary="Write a meeting's minutes",
        request=MinutesInputSerializer,
        responses=MeetingSerializer,
        examples=[
            OpenApiExample(
                "Minutes for the client",
                value={"minutes": "Agreed the plan.", "minutes_visibility": "client"},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["put"])
    def minutes(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """The minutes and who may read them (the PM and the team); an internal meeting's
        minutes stay internal."""
        meeting = meeting_get_for(user=request.user, project=self.project, meeting_id=int(pk))
        data = MinutesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting_update_minutes(
            actor=request.user,
            meeting=meeting,
            revision=self.if_match_revision(),
            **data.validated_data,
        )
        meeting = meeting_get_for(user=request.user, project=self.project, meeting_id=meeting.pk)
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(request=DecisionInputSerializer, responses={201: MeetingDecisionSerializer})
    @action(detail=True, methods=["post"])
    def decisions(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
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
    def action_items(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
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

    request: AuthenticatedRequest

    serializer_class = ActionItemSerializer
    lookup_value_regex = r"\d+"

    @extend_schema(request=ActionItemDoneSerializer, responses=ActionItemSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
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
