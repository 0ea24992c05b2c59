"""API for feedback tickets, with the same permissions as the pages.

- /api/v1/projects/{project_pk}/feedback-tickets/ — list (clients: client-visible ones),
  raise; {id}/ — read, PATCH owner and severity (handlers); {id}/transition/ — acknowledge,
  start, resolve (handlers), confirm, reopen (the client's deciders); {id}/attachments/ — add
  a file (multipart).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.api_revisions import RevisionedViewMixin
from common.errors import InvalidInput
from common.parsers import JSONParser
from common.serializers import ModelSerializer
from feedback.models import (
    FeedbackTicket,
    TicketAttachment,
    TicketKind,
    TicketSeverity,
)
from feedback.permissions import can_attach_to_ticket, can_handle_ticket
from feedback.selectors.tickets import ticket_get_for, ticket_list_for
from feedback.services.tickets import (
    TEXT_MAX_LENGTH,
    ticket_acknowledge,
    ticket_attach,
    ticket_confirm,
    ticket_raise,
    ticket_reopen,
    ticket_resolve,
    ticket_start,
    ticket_update,
)
from projects.api.base import ProjectScopedViewSet
from projects.models import Visibility
from projects.permissions import can_view_internal_items

# --- Tickets -------------------------------------------------------------------------------------


class AttachmentSerializer(ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.display_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = TicketAttachment
        fields = ["id", "original_name", "size", "content_type", "uploaded_by", "uploaded_at",
                  "download_url"]  # fmt: skip

    def get_download_url(self, attachment: TicketAttachment) -> str:
        portal = self.context.get("portal", False)
        name = "feedback:portal_ticket_attachment" if portal else "feedback:ticket_attachment"
        return reverse(
            name,
            kwargs={
                "project_id": attachment.ticket.project_id,
                "ticket_id": attachment.ticket_id,
                "attachment_id": attachment.pk,
            },
        )


class TicketSerializer(ModelSerializer):
    reference = serializers.CharField(read_only=True)
    raised_by = serializers.CharField(source="raised_by.display_name", read_only=True)
    owner = serializers.CharField(source="owner.display_name", read_only=True, default=None)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = FeedbackTicket
        fields = [
            "id",
            "reference",
            "kind",
            "severity",
            "title",
            "description",
            "status",
            "visibility",
            "raised_by",
            "raised_side",
            "raised_at",
            "owner",
            "first_response_due_at",
            "first_responded_at",
            "resolution_due_at",
            "resolved_at",
            "resolution",
            "confirmed_at",
            "reopened_count",
            "attachments",
            "revision",
        ]


class ProviderTicketSerializer(TicketSerializer):
    """The provider side's view: with the owner's id and the escalated breaches."""

    owner_id = serializers.IntegerField(read_only=True)

    class Meta(TicketSerializer.Meta):
        fields = [
            *TicketSerializer.Meta.fields,
            "owner_id",
            "first_response_breached_at",
            "resolution_breached_at",
        ]


class TicketInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TicketKind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )
    severity = serializers.ChoiceField(
        choices=TicketSeverity.choices, required=False, default=TicketSeverity.MEDIUM
    )
    visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, default=Visibility.CLIENT
    )


class TicketUpdateInputSerializer(serializers.Serializer):
    owner = serializers.IntegerField(required=False)
    severity = serializers.ChoiceField(choices=TicketSeverity.choices, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError({"owner": [_("Give an owner or a severity.")]})
        return attrs


STEPS = ("acknowledge", "start", "resolve", "confirm", "reopen")


class TicketTransitionInputSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=[(step, step) for step in STEPS])
    message = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=TEXT_MAX_LENGTH,
        help_text=_lazy(
            "The reply (acknowledge), the resolution (resolve) or the reason (reopen)."
        ),
    )


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField()


class FeedbackTicketViewSet(
    RevisionedViewMixin, ProjectScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    """Feedback tickets of a project: raised by the team or the client, handled by the PM, the
    AM or the owner, confirmed or reopened by the client."""

    request: AuthenticatedRequest

    lookup_value_regex = r"\d+"
    action_permissions = {"create": "projects.submit_feedback"}

    def _provider(self) -> bool:
        return bool(can_view_internal_items(self.request.user, self.project))

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if getattr(self, "swagger_fake_view", False) or self._provider():
            return ProviderTicketSerializer
        return TicketSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        user = getattr(self.request, "user", None)
        context["portal"] = bool(user is not None and user.is_authenticated and user.is_client_user)
        return context

    def get_queryset(self) -> QuerySet[FeedbackTicket]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return FeedbackTicket.objects.none()
        return ticket_list_for(
            user=self.request.user,
            project=self.project,
            filters={
                key: self.request.query_params.get(key, "") for key in ("status", "kind", "mine")
            },
        ).prefetch_related(
            Prefetch(
                "attachments",
                queryset=TicketAttachment.objects.select_related("uploaded_by", "ticket"),
            )
        )

    def get_object(self) -> FeedbackTicket:
        return ticket_get_for(
            user=self.request.user, project=self.project, ticket_id=int(self.kwargs["pk"])
        )

    def _out(self, ticket: FeedbackTicket, **kwargs: Any) -> Response:
        ticket = self.get_queryset().get(pk=ticket.pk)
        serializer = self.get_serializer_class()(ticket, context=self.get_serializer_context())
        return Response(serializer.data, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="A status, or `open`."),
            OpenApiParameter("kind", str, description="complaint, suggestion, question, praise"),
            OpenApiParameter("mine", bool, description="Only the tickets I raised."),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=TicketInputSerializer, responses={201: TicketSerializer})
    def create(self, request: Request, project_pk: str) -> Response:
        data = TicketInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = ticket_raise(actor=self.request.user, project=self.project, **data.validated_data)
        return self._out(ticket, status=status.HTTP_201_CREATED)

    @extend_schema(request=TicketUpdateInputSerializer, responses=TicketSerializer)
    def partial_update(self, request: Request, project_pk: str, pk: str) -> Response:
        ticket = self.get_object()
        if not can_handle_ticket(self.request.user, ticket):  # refused before the input is read
            raise PermissionDenied()
        data = TicketUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = ticket_update(
            actor=self.request.user,
            ticket=ticket,
            owner_id=data.validated_data.get("owner"),
            severity=data.validated_data.get("severity"),
            revision=self.if_match_revision(),
        )
        return self._out(ticket)

    @extend_schema(request=TicketTransitionInputSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        ticket = self.get_object()
        data = TicketTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step, message = data.validated_data["step"], data.validated_data["message"]
        actor = request.user
        if step == "acknowledge":
            ticket = ticket_acknowledge(actor=actor, ticket=ticket, message=message)
        elif step == "start":
            ticket = ticket_start(actor=actor, ticket=ticket)
        elif step == "resolve":
            try:
                ticket = ticket_resolve(actor=actor, ticket=ticket, resolution=message)
            except InvalidInput as error:
                error.field = "message"
                raise
        elif step == "confirm":
            ticket = ticket_confirm(actor=actor, ticket=ticket)
        else:
            try:
                ticket = ticket_reopen(actor=actor, ticket=ticket, reason=message)
            except InvalidInput as error:
                error.field = "message"
                raise
        return self._out(ticket)

    @extend_schema(
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def attachments(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        ticket = self.get_object()
        if not can_attach_to_ticket(request.user, ticket):
            raise PermissionDenied()
        data = AttachmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = ticket_attach(
            actor=request.user, ticket=ticket, file=data.validated_data["file"]
        )
        return Response(
            AttachmentSerializer(attachment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
