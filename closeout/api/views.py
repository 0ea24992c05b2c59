"""The closeout API: the checklist (in full for the provider, outcomes only for the client),
waivers, requests for final acceptance and the client admin's answer, reopening."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from closeout.checklist import closeout_checklist
from closeout.models import ClosureRequest, Point, Reopening, Waiver
from closeout.permissions import can_view_closeout
from closeout.selectors import (
    closure_request_get_for,
    closure_requests_for,
    reopenings_for,
    waiver_get_for,
    waiver_list_for,
)
from closeout.services import (
    closure_decide,
    closure_request,
    closure_withdraw,
    project_reopen,
    waiver_add,
    waiver_remove,
)
from common.serializers import ModelSerializer
from common.text import SHORT_TEXT_MAX_LENGTH
from projects.api.base import ProjectScopedViewSet
from projects.closure import writable_when_closed
from projects.models import Phase
from projects.selectors import project_get_for


def _short_text() -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, default="", max_length=SHORT_TEXT_MAX_LENGTH
    )


class PointOutcomeSerializer(serializers.Serializer):
    point = serializers.ChoiceField(choices=Point.choices)
    title = serializers.CharField()
    holds = serializers.BooleanField()
    waived = serializers.BooleanField()
    open = serializers.IntegerField()
    waived_items = serializers.IntegerField()
    client_note = serializers.CharField()


class OpenItemSerializer(serializers.Serializer):
    object_id = serializers.IntegerField()
    title = serializers.CharField(source="label")
    url = serializers.CharField()
    waiver_id = serializers.IntegerField(source="waiver.pk", default=None, allow_null=True)
    waiver_reason = serializers.CharField(source="waiver.reason", default=None, allow_null=True)


class PointDetailSerializer(PointOutcomeSerializer):
    """The provider side gets the last four fields too."""

    url = serializers.CharField(required=False)
    open_items = OpenItemSerializer(many=True, required=False)
    waiver_id = serializers.IntegerField(allow_null=True, required=False)
    waiver_reason = serializers.CharField(allow_null=True, required=False)


class CloseoutSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Phase.choices)
    holds = serializers.BooleanField()
    began_at = serializers.DateTimeField(allow_null=True)
    points = PointDetailSerializer(many=True, help_text="Provider side: with open items.")


class WaiverSerializer(ModelSerializer):
    waived_by = serializers.CharField(source="waived_by.display_name", read_only=True)

    class Meta:
        model = Waiver
        fields = ["id", "point", "object_id", "reason", "client_note", "waived_by", "waived_at"]
        read_only_fields = fields


class WaiverInputSerializer(serializers.Serializer):
    point = serializers.ChoiceField(choices=Point.choices)
    object_id = serializers.IntegerField(min_value=0, required=False, default=0)
    reason = serializers.CharField(max_length=SHORT_TEXT_MAX_LENGTH)
    client_note = _short_text()


class ClosureRequestSerializer(ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.display_name", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.display_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = ClosureRequest
        fields = [
            "id",
            "status",
            "note",
            "checklist",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "comment",
            "accepted_checklist",
        ]
        read_only_fields = fields


class ClosureRequestInputSerializer(serializers.Serializer):
    note = _short_text()


class FinalAcceptanceInputSerializer(serializers.Serializer):
    comment = _short_text()


class ReopeningSerializer(ModelSerializer):
    reopened_by = serializers.CharField(source="reopened_by.display_name", read_only=True)

    class Meta:
        model = Reopening
        fields = ["id", "to_phase", "reason", "reopened_by", "reopened_at"]
        read_only_fields = fields


class ReopenInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=SHORT_TEXT_MAX_LENGTH)
    to_phase = serializers.ChoiceField(
        choices=[(value, label) for value, label in Phase.choices if value != Phase.CLOSED],
        required=False,
        default=Phase.CLOSING,
    )


class CloseoutView(APIView):
    """The closeout checklist, computed from the project's facts. Provider people get every
    point with its open items and waivers; client members get each point's outcome only."""

    request: AuthenticatedRequest

    @extend_schema(responses=CloseoutSerializer)
    def get(self, request: AuthenticatedRequest, project_pk: int) -> Response:
        project = project_get_for(user=request.user, project_id=project_pk)
        checklist = closeout_checklist(project)
        provider = can_view_closeout(request.user, project)
        points = []
        for state, record in zip(checklist.points, checklist.as_record(), strict=True):
            if provider:
                record.update(
                    url=state.url,
                    open_items=OpenItemSerializer(state.open_items, many=True).data,
                    waiver_id=state.waiver.pk if state.waiver else None,
                    waiver_reason=state.waiver.reason if state.waiver else None,
                )
            points.append(record)
        return Response(
            {
                "phase": project.phase,
                "holds": checklist.holds,
                "began_at": checklist.began_at,
                "points": points,
            }
        )


class WaiverViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """The PM's waivers (internal: provider side only)."""

    serializer_class = WaiverSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {
        "list": "closeout.view_closeout",
        "create": "closeout.waive_closeout_point",
        "destroy": "closeout.waive_closeout_point",
    }

    def get_queryset(self) -> QuerySet[Waiver]:
        if getattr(self, "swagger_fake_view", False):
            return Waiver.objects.none()
        return waiver_list_for(user=self.request.user, project=self.project)

    @extend_schema(request=WaiverInputSerializer, responses={201: WaiverSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = WaiverInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        waiver = waiver_add(actor=request.user, project=self.project, **data.validated_data)
        return Response(WaiverSerializer(waiver).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        waiver = waiver_get_for(user=request.user, project=self.project, waiver_id=int(pk))
        waiver_remove(actor=request.user, waiver=waiver)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClosureRequestViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """Requests for final acceptance: the PM asks, the client admin accepts or refuses."""

    serializer_class = ClosureRequestSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": "closeout.request_closure",
        "withdraw": "closeout.request_closure",
        "accept": "closeout.give_final_acceptance",
        "refuse": "closeout.give_final_acceptance",
    }

    def get_queryset(self) -> QuerySet[ClosureRequest]:
        if getattr(self, "swagger_fake_view", False):
            return ClosureRequest.objects.none()
        return closure_requests_for(user=self.request.user, project=self.project)

    def _get(self, pk: str) -> ClosureRequest:
        return closure_request_get_for(
            user=self.request.user, project=self.project, request_id=int(pk)
        )

    @extend_schema(request=ClosureRequestInputSerializer, responses={201: ClosureRequestSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = ClosureRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = closure_request(actor=request.user, project=self.project, **data.validated_data)
        return Response(ClosureRequestSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ClosureRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        done = closure_withdraw(actor=request.user, request=self._get(pk))
        return Response(ClosureRequestSerializer(done).data)

    @extend_schema(request=FinalAcceptanceInputSerializer, responses=ClosureRequestSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        data = FinalAcceptanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = closure_decide(
            actor=request.user, request=self._get(pk), accept=True, **data.validated_data
        )
        return Response(ClosureRequestSerializer(done).data)

    @extend_schema(request=FinalAcceptanceInputSerializer, responses=ClosureRequestSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        data = FinalAcceptanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = closure_decide(
            actor=request.user, request=self._get(pk), accept=False, **data.validated_data
        )
        return Response(ClosureRequestSerializer(done).data)


@writable_when_closed
class ReopeningViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """Reopenings of a closed project by a staff admin (provider side only)."""

    serializer_class = ReopeningSerializer
    action_permissions = {
        "list": "closeout.view_closeout",
        "create": "closeout.reopen_project",
    }

    def get_queryset(self) -> QuerySet[Reopening]:
        if getattr(self, "swagger_fake_view", False):
            return Reopening.objects.none()
        return reopenings_for(user=self.request.user, project=self.project)

    @extend_schema(request=ReopenInputSerializer, responses={201: ReopeningSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = ReopenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reopening = project_reopen(actor=request.user, project=self.project, **data.validated_data)
        return Response(ReopeningSerializer(reopening).data, status=status.HTTP_201_CREATED)
