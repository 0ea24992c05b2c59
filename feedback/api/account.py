"""API for a client's account: /api/v1/accounts/{organization_pk}/interactions/ and
/opportunities/ — the AM's account records (AM of the client's projects and staff admins; 404
for everyone else).
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.serializers import ModelSerializer
from feedback.models import (
    Interaction,
    Opportunity,
)
from feedback.selectors.account import (
    account_get_for,
    interaction_list_for,
    opportunity_get_for,
    opportunity_list_for,
)
from feedback.services.account import (
    TEXT_MAX_LENGTH,
    interaction_record,
    opportunity_create,
    opportunity_update,
)

# --- The account ---------------------------------------------------------------------------------


class AccountScopedViewSet(viewsets.GenericViewSet):
    """A collection of one client's account: the organisation is looked up through the
    account permission first (404 alike for missing and forbidden)."""

    request: AuthenticatedRequest

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)
        self.organization = account_get_for(
            user=self.request.user, organization_id=int(self.kwargs["organization_pk"])
        )


class InteractionSerializer(ModelSerializer):
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
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )
    next_step = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    reminder_on = serializers.DateField(required=False, allow_null=True, default=None)


class InteractionViewSet(AccountScopedViewSet, mixins.ListModelMixin):
    """The interaction log of a client account: visits, calls, meetings, e-mails."""

    request: AuthenticatedRequest

    serializer_class = InteractionSerializer

    def get_queryset(self) -> QuerySet[Interaction]:
        if getattr(self, "swagger_fake_view", False):
            return Interaction.objects.none()
        return interaction_list_for(user=self.request.user, organization=self.organization)

    @extend_schema(request=InteractionInputSerializer, responses={201: InteractionSerializer})
    def create(self, request: Request, organization_pk: str) -> Response:
        data = InteractionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        interaction = interaction_record(
            actor=self.request.user, organization=self.organization, **data.validated_data
        )
        return Response(InteractionSerializer(interaction).data, status=status.HTTP_201_CREATED)


class OpportunitySerializer(ModelSerializer):
    owner = serializers.CharField(source="owner.display_name", read_only=True)

    class Meta:
        model = Opportunity
        fields = ["id", "title", "value_estimate", "currency", "stage", "next_step",
                  "expected_close_on", "won_at", "owner", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["won_at"]


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

    request: AuthenticatedRequest

    serializer_class = OpportunitySerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Opportunity]:
        if getattr(self, "swagger_fake_view", False):
            return Opportunity.objects.none()
        return opportunity_list_for(user=self.request.user, organization=self.organization)

    def get_object(self) -> Opportunity:
        return opportunity_get_for(
            user=self.request.user,
            organization=self.organization,
            opportunity_id=int(self.kwargs["pk"]),
        )

    @extend_schema(request=OpportunityInputSerializer, responses={201: OpportunitySerializer})
    def create(self, request: Request, organization_pk: str) -> Response:
        data = OpportunityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        opportunity = opportunity_create(
            actor=self.request.user, organization=self.organization, **data.validated_data
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
        opportunity = opportunity_update(actor=self.request.user, opportunity=opportunity, **values)
        return Response(OpportunitySerializer(opportunity).data)
