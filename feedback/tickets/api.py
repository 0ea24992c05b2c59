"""API for feedback tickets and client accounts, with the same permissions as the pages.

- /api/v1/projects/{project_pk}/feedback-tickets/ — list (clients: client-visible ones),
  raise; {id}/ — read, PATCH owner and severity (handlers); {id}/transition/ — acknowledge,
  start, resolve (handlers), confirm, reopen (the client's deciders); {id}/attachments/ — add
  a file (multipart).
- /api/v1/accounts/{organization_pk}/interactions/ and /opportunities/ — the AM's account
  records (AM of the client's projects and staff admins; 404 for everyone else).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from common.errors import InvalidInput
from feedback.models import (
    FeedbackTicket,
    Interaction,
    Opportunity,
    TicketAttachment,
    TicketKind,
    TicketSeverity,
)
from feedback.tickets import selectors, services
from feedback.tickets.permissions import can_attach_to_ticket, can_handle_ticket
from projects.api.base import ProjectScopedViewSet
from projects.models import Visibility
from projects.permissions import can_view_internal_items

# --- Tickets -------------------------------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer):
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


class TicketSerializer(serializers.ModelSerializer):
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
        required=False, allow_blank=True, default="", max_length=services.TEXT_MAX_LENGTH
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
        max_length=services.TEXT_MAX_LENGTH,
        help_text=_lazy(
            "The reply (acknowledge), the resolution (resolve) or the reason (reopen)."
        ),
    )


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField()


class FeedbackTicketViewSet(ProjectScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Feedback tickets of a project: raised by the team or the client, handled by the PM, the
    AM or the owner, confirmed or reopened by the client."""

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
        return selectors.ticket_list_for(
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
        return selectors.ticket_get_for(
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
        ticket = services.ticket_raise(
            actor=request.user, project=self.project, **data.validated_data
        )
        return self._out(ticket, status=status.HTTP_201_CREATED)

    @extend_schema(request=TicketUpdateInputSerializer, responses=TicketSerializer)
    def partial_update(self, request: Request, project_pk: str, pk: str) -> Response:
        ticket = self.get_object()
        if not can_handle_ticket(request.user, ticket):  # refused before the input is read
            raise PermissionDenied()
        data = TicketUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_update(
            actor=request.user,
            ticket=ticket,
            owner_id=data.validated_data.get("owner"),
            severity=data.validated_data.get("severity"),
        )
        return self._out(ticket)

    @extend_schema(request=TicketTransitionInputSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, project_pk: str, pk: str) -> Response:
        ticket = self.get_object()
        data = TicketTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step, message = data.validated_data["step"], data.validated_data["message"]
        actor = request.user
        if step == "acknowledge":
            ticket = services.ticket_acknowledge(actor=actor, ticket=ticket, message=message)
        elif step == "start":
            ticket = services.ticket_start(actor=actor, ticket=ticket)
        elif step == "resolve":
            try:
                ticket = services.ticket_resolve(actor=actor, ticket=ticket, resolution=message)
            except InvalidInput as error:
                error.field = "message"
                raise
        elif step == "confirm":
            ticket = services.ticket_confirm(actor=actor, ticket=ticket)
        else:
            try:
                ticket = services.ticket_reopen(actor=actor, ticket=ticket, reason=message)
            except InvalidInput as error:
                error.field = "message"
                raise
        return self._out(ticket)

    @extend_schema(
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def attachments(self, request: Request, project_pk: str, pk: str) -> Response:
        ticket = self.get_object()
        if not can_attach_to_ticket(request.user, ticket):
            raise PermissionDenied()
        data = AttachmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.ticket_attach(
            actor=request.user, ticket=ticket, file=data.validated_data["file"]
        )
        return Response(
            AttachmentSerializer(attachment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


# --- The account ---------------------------------------------------------------------------------


class AccountScopedViewSet(viewsets.GenericViewSet):
    """A collection of one client's account: the organisation is looked up through the
    account permission first (404 alike for missing and forbidden)."""

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)
        self.organization = selectors.account_get_for(
            user=request.user, organization_id=int(self.kwargs["organization_pk"])
        )


class InteractionSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True)

    class Meta:
        model = Interaction
        fields = ["id", "kind", "occurred_on", "people", "notes", "next_step", "reminder_on",
                  "reminded_at", "recorded_by", "created_at"]  # fmt: skip


class InteractionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Interaction.Kind.choices)
    occurred_on = serializers.DateField()
    people = serializers.CharField(max_length=300)
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.TEXT_MAX_LENGTH
    )
    next_step = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    reminder_on = serializers.DateField(required=False, allow_null=True, default=None)


class InteractionViewSet(AccountScopedViewSet, mixins.ListModelMixin):
    """The interaction log of a client account: visits, calls, meetings, e-mails."""

    serializer_class = InteractionSerializer

    def get_queryset(self) -> QuerySet[Interaction]:
        if getattr(self, "swagger_fake_view", False):
            return Interaction.objects.none()
        return selectors.interaction_list_for(
            user=self.request.user, organization=self.organization
        )

    @extend_schema(request=InteractionInputSerializer, responses={201: InteractionSerializer})
    def create(self, request: Request, organization_pk: str) -> Response:
        data = InteractionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        interaction = services.interaction_record(
            actor=request.user, organization=self.organization, **data.validated_data
        )
        return Response(InteractionSerializer(interaction).data, status=status.HTTP_201_CREATED)


class OpportunitySerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.display_name", read_only=True)

    class Meta:
        model = Opportunity
        fields = ["id", "title", "value_estimate", "currency", "stage", "next_step",
                  "expected_close_on", "owner", "created_at", "updated_at"]  # fmt: skip


class OpportunityInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    value_estimate = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    currency = serializers.CharField(required=False, default="EUR", max_length=3)
    stage = serializers.ChoiceField(
        choices=Opportunity.Stage.choices, required=False, default=Opportunity.Stage.LEAD
    )
    next_step = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    expected_close_on = serializers.DateField(required=False, allow_null=True, default=None)


class OpportunityUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    value_estimate = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    currency = serializers.CharField(required=False, max_length=3)
    stage = serializers.ChoiceField(choices=Opportunity.Stage.choices, required=False)
    next_step = serializers.CharField(required=False, allow_blank=True, max_length=300)
    expected_close_on = serializers.DateField(required=False, allow_null=True)


class OpportunityViewSet(AccountScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Opportunities of a client account: new business the AM grows."""

    serializer_class = OpportunitySerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Opportunity]:
        if getattr(self, "swagger_fake_view", False):
            return Opportunity.objects.none()
        return selectors.opportunity_list_for(
            user=self.request.user, organization=self.organization
        )

    def get_object(self) -> Opportunity:
        return selectors.opportunity_get_for(
            user=self.request.user,
            organization=self.organization,
            opportunity_id=int(self.kwargs["pk"]),
        )

    @extend_schema(request=OpportunityInputSerializer, responses={201: OpportunitySerializer})
    def create(self, request: Request, organization_pk: str) -> Response:
        data = OpportunityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        opportunity = services.opportunity_create(
            actor=request.user, organization=self.organization, **data.validated_data
        )
        return Response(OpportunitySerializer(opportunity).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OpportunityUpdateSerializer, responses=OpportunitySerializer)
    def partial_update(self, request: Request, organization_pk: str, pk: str) -> Response:
        opportunity = self.get_object()
        data = OpportunityUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {
            "title": opportunity.title,
            "value_estimate": opportunity.value_estimate,
            "currency": opportunity.currency,
            "stage": opportunity.stage,
            "next_step": opportunity.next_step,
            "expected_close_on": opportunity.expected_close_on,
            **data.validated_data,
        }
        opportunity = services.opportunity_update(
            actor=request.user, opportunity=opportunity, **values
        )
        return Response(OpportunitySerializer(opportunity).data)
