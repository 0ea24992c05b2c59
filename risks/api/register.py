"""Risks in the API, under /api/v1/projects/{project_pk}/risks/: list with the register's
filters, raise, read, edit, assess, change status and mitigation actions (the heat map, the
exposure series and the history come from `risks.api.charts`). Input and output serializers are
separate; the provider side's output adds the internal note and the links, which the client's
never has. The same selectors, services and predicates as the pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.api import LeanListMixin
from common.api_revisions import RevisionedViewMixin
from common.errors import NotFound
from common.serializers import ModelSerializer
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from projects.models import Milestone, Visibility
from projects.permissions import can_view_internal_items
from risks.api.base import FILTER_PARAMETERS, resolve_people_and_links
from risks.api.charts import RiskChartsViewSet
from risks.models import Assessment, Category, MitigationAction, Risk, Strategy
from risks.permissions import can_complete_action, can_manage_risk
from risks.selectors.register import RiskFilters, risk_get_for, risk_list_for
from risks.services.actions import mitigation_action_add, mitigation_action_set_done
from risks.services.assessments import risk_assess
from risks.services.register import risk_create, risk_transition, risk_update

if TYPE_CHECKING:
    from stakeholders.models import ChangeRequest, Requirement


class RiskMitigationActionSerializer(ModelSerializer):
    owner_name = serializers.CharField(
        source="owner.display_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = MitigationAction
        fields = ["id", "text", "owner", "owner_name", "due_date", "is_done", "done_at"]


class RiskAssessmentSerializer(ModelSerializer):
    assessed_by = serializers.CharField(source="assessed_by.display_name", read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "probability",
            "impact",
            "score",
            "level",
            "residual_probability",
            "residual_impact",
            "residual_score",
            "residual_level",
            "note",
            "assessed_by",
            "assessed_at",
        ]


class RiskSerializer(ModelSerializer):
    """The list's row, as a client may see it."""

    reference = serializers.CharField(read_only=True)
    owner_name = serializers.CharField(
        source="owner.display_name", read_only=True, default=None, allow_null=True
    )
    is_client_raised = serializers.BooleanField(read_only=True)

    class Meta:
        model = Risk
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "category",
            "cause",
            "effect",
            "probability",
            "impact",
            "score",
            "level",
            "residual_probability",
            "residual_impact",
            "residual_score",
            "residual_level",
            "owner",
            "owner_name",
            "strategy",
            "contingency_plan",
            "trigger",
            "proximity",
            "next_review_date",
            "status",
            "closed_reason",
            "visibility",
            "is_client_raised",
            "assessed_at",
            "created_at",
            "revision",
        ]
        reads = {"reference": ["number"], "is_client_raised": ["raised_side"]}


class InternalRiskSerializer(RiskSerializer):
    class Meta(RiskSerializer.Meta):
        fields = [*RiskSerializer.Meta.fields, "internal_note"]


class RiskDetailSerializer(RiskSerializer):
    actions = RiskMitigationActionSerializer(many=True, read_only=True)
    assessments = RiskAssessmentSerializer(many=True, read_only=True)

    class Meta(RiskSerializer.Meta):
        fields = [*RiskSerializer.Meta.fields, "actions", "assessments"]


class InternalRiskDetailSerializer(RiskDetailSerializer):
    requirements: serializers.PrimaryKeyRelatedField[Requirement] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )
    milestones: serializers.PrimaryKeyRelatedField[Milestone] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    change_requests: serializers.PrimaryKeyRelatedField[ChangeRequest] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )

    class Meta(RiskDetailSerializer.Meta):
        fields = [
            *RiskDetailSerializer.Meta.fields,
            "internal_note",
            "requirements",
            "milestones",
            "change_requests",
        ]


def _scale(**kwargs: object) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=5, **kwargs)  # type: ignore[arg-type]


class RiskInputSerializer(serializers.Serializer):
    """Raising a risk. A client's risk only takes the first five fields (the rest is ignored:
    the PM assesses it)."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    cause = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    effect = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    probability = _scale(required=False, allow_null=True)
    impact = _scale(required=False, allow_null=True)
    residual_probability = _scale(required=False, allow_null=True)
    residual_impact = _scale(required=False, allow_null=True)
    owner = serializers.IntegerField(required=False, allow_null=True)
    strategy = serializers.ChoiceField(choices=Strategy.choices, required=False, allow_blank=True)
    contingency_plan = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    trigger = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    proximity = serializers.DateField(required=False, allow_null=True)
    next_review_date = serializers.DateField(required=False, allow_null=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    internal_note = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    requirements = serializers.ListField(child=serializers.IntegerField(), required=False)
    milestones = serializers.ListField(child=serializers.IntegerField(), required=False)
    change_requests = serializers.ListField(child=serializers.IntegerField(), required=False)


class RiskUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    cause = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    effect = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    owner = serializers.IntegerField(required=False, allow_null=True)
    strategy = serializers.ChoiceField(choices=Strategy.choices, required=False, allow_blank=True)
    contingency_plan = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    trigger = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    proximity = serializers.DateField(required=False, allow_null=True)
    next_review_date = serializers.DateField(required=False, allow_null=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    internal_note = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    requirements = serializers.ListField(child=serializers.IntegerField(), required=False)
    milestones = serializers.ListField(child=serializers.IntegerField(), required=False)
    change_requests = serializers.ListField(child=serializers.IntegerField(), required=False)


class RiskAssessInputSerializer(serializers.Serializer):
    probability = _scale()
    impact = _scale()
    residual_probability = _scale(required=False, allow_null=True)
    residual_impact = _scale(required=False, allow_null=True)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=SHORT_TEXT_MAX_LENGTH
    )
    next_review_date = serializers.DateField(required=False, allow_null=True)


class RiskActionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    owner = serializers.IntegerField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)


class RiskActionDoneInputSerializer(serializers.Serializer):
    done = serializers.BooleanField(default=True)


class RiskTransitionInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Risk.Status.choices)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=SHORT_TEXT_MAX_LENGTH
    )
    impact = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT_MAX_LENGTH
    )


class RiskViewSet(
    LeanListMixin,
    RevisionedViewMixin,
    RiskChartsViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
):
    """Risks of a project: the team raises and manages them; a client admin or customer
    representative raises client-visible ones; clients read client-visible ones only."""

    request: AuthenticatedRequest

    lookup_value_regex = r"\d+"
    action_permissions = {"create": "projects.raise_risk"}

    def _internal(self) -> bool:
        return bool(
            getattr(self, "swagger_fake_view", False)
            or can_view_internal_items(self.request.user, self.project)
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "list":
            return InternalRiskSerializer if self._internal() else RiskSerializer
        return InternalRiskDetailSerializer if self._internal() else RiskDetailSerializer

    def get_queryset(self) -> QuerySet[Risk]:
        if getattr(self, "swagger_fake_view", False):
            return Risk.objects.none()
        filters = RiskFilters.from_query(self.request.query_params, strict=True)
        return risk_list_for(user=self.request.user, project=self.project, filters=filters)

    def get_object(self) -> Risk:
        return risk_get_for(
            user=self.request.user, project=self.project, risk_id=int(self.kwargs["pk"])
        )

    def _managed(self) -> Risk:
        risk = self.get_object()
        if not can_manage_risk(self.request.user, risk):
            raise PermissionDenied()
        return risk

    def _out(self, risk: Risk, **kwargs: Any) -> Response:
        risk = risk_get_for(user=self.request.user, project=self.project, risk_id=risk.pk)
        serializer = InternalRiskDetailSerializer if self._internal() else RiskDetailSerializer
        return Response(serializer(risk).data, **kwargs)

    @extend_schema(parameters=FILTER_PARAMETERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RiskInputSerializer, responses={201: InternalRiskDetailSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = RiskInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = resolve_people_and_links(self.project, dict(data.validated_data))
        risk = risk_create(actor=request.user, project=self.project, **values)
        return self._out(risk, status=status.HTTP_201_CREATED)

    @extend_schema(request=RiskUpdateSerializer, responses=InternalRiskDetailSerializer)
    def partial_update(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        risk = self._managed()
        data = RiskUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = resolve_people_and_links(self.project, dict(data.validated_data))
        risk = risk_update(
            actor=request.user, risk=risk, revision=self.if_match_revision(), **values
        )
        return self._out(risk)

    @extend_schema(request=RiskAssessInputSerializer, responses=InternalRiskDetailSerializer)
    @action(detail=True, methods=["post"])
    def assess(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        risk = self._managed()
        data = RiskAssessInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        risk_assess(actor=request.user, risk=risk, **data.validated_data)
        return self._out(risk)

    @extend_schema(request=RiskTransitionInputSerializer, responses=InternalRiskDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        risk = self._managed()
        data = RiskTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        risk = risk_transition(actor=request.user, risk=risk, **data.validated_data)
        return self._out(risk)

    @extend_schema(
        request=RiskActionInputSerializer, responses={201: RiskMitigationActionSerializer}
    )
    @action(detail=True, methods=["post"], url_path="actions")
    def add_action(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        risk = self._managed()
        data = RiskActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = resolve_people_and_links(self.project, dict(data.validated_data))
        created = mitigation_action_add(actor=request.user, risk=risk, **values)
        return Response(RiskMitigationActionSerializer(created).data, status=201)

    @extend_schema(
        request=RiskActionDoneInputSerializer,
        responses=RiskMitigationActionSerializer,
        parameters=[OpenApiParameter("action_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_id>\d+)/done")
    def action_done(
        self, request: AuthenticatedRequest, project_pk: str, pk: str, action_id: str
    ) -> Response:
        risk = self.get_object()
        found = MitigationAction.objects.filter(risk=risk, pk=int(action_id)).first()
        if found is None:
            raise NotFound()
        found.risk = risk
        if not can_complete_action(request.user, found):
            raise PermissionDenied()
        data = RiskActionDoneInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = mitigation_action_set_done(
            actor=request.user, action=found, done=data.validated_data["done"]
        )
        return Response(RiskMitigationActionSerializer(found).data)
