"""Webhook endpoints in the API (/api/v1/webhooks/): the same services and permissions as the
pages (integrations.webhooks)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from accounts.models import Organization
from common.api import Pagination
from common.errors import InvalidInput
from common.events import EventType
from common.serializers import ModelSerializer
from integrations.models import WebhookDelivery, WebhookEndpoint
from integrations.permissions import can_use_webhooks
from integrations.webhooks import (
    delivery_get_for,
    delivery_list_for,
    delivery_resend,
    endpoint_create,
    endpoint_delete,
    endpoint_get_for,
    endpoint_list_for,
    endpoint_rotate_secret,
    endpoint_send_test,
    endpoint_update,
    projects_for_webhooks,
)

EVENTS_HELP = "Event types, from /api/v1/webhook-events/."


class WebhookEndpointSerializer(ModelSerializer):
    project: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    client: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The client whose endpoint it is; null: the team's.",
    )
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices))

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "project",
            "client",
            "events",
            "is_active",
            "disabled_reason",
            "disabled_at",
            "failures",
            "created_at",
        ]
        read_only_fields = fields


class NewSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once, never again.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointInputSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    project = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Null: every project."
    )
    for_client = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The client's endpoint: only events and data the client sees.",
    )
    client = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The client, for a client's endpoint without a project.",
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        allow_empty=False,
        help_text=EVENTS_HELP,
    )


class WebhookEndpointPatchSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        allow_empty=False,
        required=False,
        help_text=EVENTS_HELP,
    )
    is_active = serializers.BooleanField(
        required=False, help_text="Enabling starts the failure count again."
    )


class WebhookDeliverySerializer(ModelSerializer):
    event_id = serializers.UUIDField(read_only=True)
    body = serializers.CharField(read_only=True, help_text="The JSON posted, exactly.")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "project_id",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "response_status",
            "last_error",
            "delivered_at",
            "created_at",
            "body",
        ]
        read_only_fields = fields


class EventTypeSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="The event type, as in a payload's `type`.")
    name = serializers.CharField(help_text="Its name in the reader's language.")


def _allowed(request: Any) -> None:
    if not can_use_webhooks(request.user):
        raise PermissionDenied()


EXAMPLE = OpenApiExample(
    "The team's endpoint for one project",
    value={
        "url": "https://hooks.example.com/rapport",
        "description": "Ticketing bridge",
        "project": 12,
        "for_client": False,
        "events": ["deliverable.accepted", "change_request.approved"],
    },
    request_only=True,
)


class WebhookListView(APIView):
    request: AuthenticatedRequest

    @extend_schema(responses=WebhookEndpointSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        _allowed(request)
        endpoints = endpoint_list_for(user=request.user)
        return Response(WebhookEndpointSerializer(endpoints, many=True).data)

    @extend_schema(
        request=WebhookEndpointInputSerializer,
        responses={201: NewSecretSerializer},
        examples=[EXAMPLE],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        _allowed(request)
        serializer = WebhookEndpointInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project = None
        if data["project"] is not None:
            projects = projects_for_webhooks(user=request.user)
            project = projects.filter(pk=data["project"]).first()
            if project is None:
                raise InvalidInput(_("Choose a project you manage."), field="project")
        client = None
        if data["for_client"]:
            if project is not None:
                client = project.client
            else:
                client = Organization.objects.filter(
                    pk=data["client"] or 0, kind=Organization.Kind.CLIENT
                ).first()
                if client is None:
                    raise InvalidInput(
                        _("Choose the client, or a project of the client."), field="client"
                    )
        made = endpoint_create(
            actor=request.user,
            project=project,
            client=client,
            url=data["url"],
            events=data["events"],
            description=data.get("description", ""),
        )
        body = {**WebhookEndpointSerializer(made.endpoint).data, "secret": made.secret}
        return Response(body, status=201)


def _endpoint(request: AuthenticatedRequest, endpoint_id: int) -> WebhookEndpoint:
    _allowed(request)
    return endpoint_get_for(user=request.user, endpoint_id=endpoint_id)


class WebhookDetailView(APIView):
    request: AuthenticatedRequest

    @extend_schema(responses=WebhookEndpointSerializer)
    def get(self, request: AuthenticatedRequest, endpoint_id: int) -> Response:
        return Response(WebhookEndpointSerializer(_endpoint(request, endpoint_id)).data)

    @extend_schema(
        request=WebhookEndpointPatchSerializer,
        responses=WebhookEndpointSerializer,
        examples=[
            OpenApiExample(
                "Enable it again after fixing the receiver",
                value={"is_active": True},
                request_only=True,
            )
        ],
    )
    def patch(self, request: AuthenticatedRequest, endpoint_id: int) -> Response:
        endpoint = _endpoint(request, endpoint_id)
        serializer = WebhookEndpointPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = endpoint_update(
            actor=request.user, endpoint=endpoint, **serializer.validated_data
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: AuthenticatedRequest, endpoint_id: int) -> Response:
        endpoint_delete(actor=request.user, endpoint=_endpoint(request, endpoint_id))
        return Response(status=204)


class WebhookRotateView(APIView):
    request: AuthenticatedRequest

    @extend_schema(request=None, responses={200: NewSecretSerializer})
    def post(self, request: AuthenticatedRequest, endpoint_id: int) -> Response:
        made = endpoint_rotate_secret(actor=request.user, endpoint=_endpoint(request, endpoint_id))
        return Response({**WebhookEndpointSerializer(made.endpoint).data, "secret": made.secret})


class WebhookTestView(APIView):
    request: AuthenticatedRequest

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    def post(self, request: AuthenticatedRequest, endpoint_id: int) -> Response:
        delivery = endpoint_send_test(actor=request.user, endpoint=_endpoint(request, endpoint_id))
        return Response(WebhookDeliverySerializer(delivery).data, status=202)


class WebhookDeliveryListView(generics.ListAPIView):
    """The endpoint's delivery log, newest first."""

    request: AuthenticatedRequest
    serializer_class = WebhookDeliverySerializer
    pagination_class = Pagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        endpoint = _endpoint(self.request, self.kwargs["endpoint_id"])
        return delivery_list_for(endpoint=endpoint)


class WebhookResendView(APIView):
    request: AuthenticatedRequest

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    def post(self, request: AuthenticatedRequest, endpoint_id: int, delivery_id: int) -> Response:
        _allowed(request)
        delivery = delivery_get_for(
            user=request.user, endpoint_id=endpoint_id, delivery_id=delivery_id
        )
        delivery = delivery_resend(actor=request.user, delivery=delivery)
        return Response(WebhookDeliverySerializer(delivery).data, status=202)


class EventTypeListView(APIView):
    request: AuthenticatedRequest

    @extend_schema(responses=EventTypeSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        _allowed(request)
        return Response([{"type": value, "name": str(label)} for value, label in EventType.choices])
