"""The risk register in the API, under /api/v1/projects/{project_pk}/: risks (list with the
register's filters, raise, read, edit, assess, change status, mitigation actions, history),
the heat map, the exposure series, the issue log and the project's risk settings. The same
selectors, services and predicates as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from common.errors import InvalidInput, NotFound
from projects.api.base import ProjectScopedViewSet
from projects.models import Membership, Milestone, Project
from projects.permissions import can_view_internal_items
from projects.selectors import project_get_for
from risks.api import serializers as s
from risks.models import Issue, MitigationAction, Risk
from risks.permissions import can_complete_action, can_manage_risk, can_manage_risk_settings
from risks.selectors import (
    RiskFilters,
    exposure_series_for,
    heat_map_for,
    issue_get_for,
    issue_list_for,
    risk_get_for,
    risk_list_for,
    risk_settings_of,
    risk_timeline,
)
from risks.services import (
    issue_resolve,
    mitigation_action_add,
    mitigation_action_set_done,
    risk_assess,
    risk_create,
    risk_settings_update,
    risk_transition,
    risk_update,
)

FILTER_PARAMETERS = [
    OpenApiParameter("level", str, description="low, medium, high, critical or unassessed"),
    OpenApiParameter("category", str),
    OpenApiParameter("owner", int),
    OpenApiParameter("status", str, description="open, monitoring, occurred, closed or active"),
    OpenApiParameter("overdue_review", bool),
    OpenApiParameter("probability", int),
    OpenApiParameter("impact", int),
]


def _resolve_people_and_links(project: Project, values: dict[str, Any]) -> dict[str, Any]:
    """Turn ids into this project's members and items; an unknown id is a 400 on its field."""
    if values.get("owner") is not None:
        member_ids = Membership.objects.filter(project=project).values("user_id")
        owner = User.objects.filter(pk=values["owner"], pk__in=member_ids).first()
        if owner is None:
            raise InvalidInput(_("The owner must be a member of this project."), field="owner")
        values["owner"] = owner
    from stakeholders.models import ChangeRequest, Requirement

    for field, model in (
        ("requirements", Requirement),
        ("milestones", Milestone),
        ("change_requests", ChangeRequest),
    ):
        if field in values:
            ids = set(values[field])
            found = list(model.objects.filter(project=project, pk__in=ids))  # type: ignore[attr-defined]
            if len(found) != len(ids):
                raise InvalidInput(_("Unknown item of this project."), field=field)
            values[field] = found
    return values


class RiskViewSet(ProjectScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Risks of a project: the team raises and manages them; a client admin or customer
    representative raises client-visible ones; clients read client-visible ones only."""

    lookup_value_regex = r"\d+"
    action_permissions = {"create": "projects.raise_risk"}

    def _internal(self) -> bool:
        return bool(
            getattr(self, "swagger_fake_view", False)
            or can_view_internal_items(self.request.user, self.project)
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "list":
            return s.InternalRiskSerializer if self._internal() else s.RiskSerializer
        return s.InternalRiskDetailSerializer if self._internal() else s.RiskDetailSerializer

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
        serializer = s.InternalRiskDetailSerializer if self._internal() else s.RiskDetailSerializer
        return Response(serializer(risk).data, **kwargs)

    @extend_schema(parameters=FILTER_PARAMETERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.RiskInputSerializer, responses={201: s.InternalRiskDetailSerializer})
    def create(self, request: Request, project_pk: str) -> Response:
        data = s.RiskInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = _resolve_people_and_links(self.project, dict(data.validated_data))
        risk = risk_create(actor=request.user, project=self.project, **values)
        return self._out(risk, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RiskUpdateSerializer, responses=s.InternalRiskDetailSerializer)
    def partial_update(self, request: Request, project_pk: str, pk: str) -> Response:
        risk = self._managed()
        data = s.RiskUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = _resolve_people_and_links(self.project, dict(data.validated_data))
        risk = risk_update(actor=request.user, risk=risk, **values)
        return self._out(risk)

    @extend_schema(request=s.RiskAssessInputSerializer, responses=s.InternalRiskDetailSerializer)
    @action(detail=True, methods=["post"])
    def assess(self, request: Request, project_pk: str, pk: str) -> Response:
        risk = self._managed()
        data = s.RiskAssessInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        risk_assess(actor=request.user, risk=risk, **data.validated_data)
        return self._out(risk)

    @extend_schema(
        request=s.RiskTransitionInputSerializer, responses=s.InternalRiskDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, project_pk: str, pk: str) -> Response:
        risk = self._managed()
        data = s.RiskTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        risk = risk_transition(actor=request.user, risk=risk, **data.validated_data)
        return self._out(risk)

    @extend_schema(
        request=s.RiskActionInputSerializer, responses={201: s.RiskMitigationActionSerializer}
    )
    @action(detail=True, methods=["post"], url_path="actions")
    def add_action(self, request: Request, project_pk: str, pk: str) -> Response:
        risk = self._managed()
        data = s.RiskActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = _resolve_people_and_links(self.project, dict(data.validated_data))
        created = mitigation_action_add(actor=request.user, risk=risk, **values)
        return Response(s.RiskMitigationActionSerializer(created).data, status=201)

    @extend_schema(
        request=s.RiskActionDoneInputSerializer,
        responses=s.RiskMitigationActionSerializer,
        parameters=[OpenApiParameter("action_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_id>\d+)/done")
    def action_done(self, request: Request, project_pk: str, pk: str, action_id: str) -> Response:
        risk = self.get_object()
        found = MitigationAction.objects.filter(risk=risk, pk=int(action_id)).first()
        if found is None:
            raise NotFound()
        found.risk = risk
        if not can_complete_action(request.user, found):
            raise PermissionDenied()
        data = s.RiskActionDoneInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = mitigation_action_set_done(
            actor=request.user, action=found, done=data.validated_data["done"]
        )
        return Response(s.RiskMitigationActionSerializer(found).data)

    @extend_schema(responses=s.RiskTimelineEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: Request, project_pk: str, pk: str) -> Response:
        """The risk's timeline (the provider side: the client reads the assessments)."""
        risk = self.get_object()
        if not can_view_internal_items(request.user, self.project):
            raise PermissionDenied()
        entries = [
            {
                "when": entry.when,
                "who": entry.who,
                "kind": entry.kind,
                "changes": [{"field": f, "old": o, "new": n} for f, o, n in entry.changes],
            }
            for entry in risk_timeline(risk=risk)
        ]
        return Response(s.RiskTimelineEntrySerializer(entries, many=True).data)

    @extend_schema(parameters=FILTER_PARAMETERS[:5], responses=s.RiskHeatCellSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="heat-map", pagination_class=None)
    def heat_map(self, request: Request, project_pk: str) -> Response:
        """The 5x5 grid, probability 5 to 1 by impact 1 to 5, flattened row by row."""
        filters = RiskFilters.from_query(request.query_params, strict=True)
        grid = heat_map_for(user=request.user, project=self.project, filters=filters)
        cells = [cell.__dict__ for row in grid for cell in row]
        return Response(s.RiskHeatCellSerializer(cells, many=True).data)

    @extend_schema(responses=s.RiskExposureSerializer)
    @action(detail=False, methods=["get"])
    def exposure(self, request: Request, project_pk: str) -> Response:
        series = exposure_series_for(user=request.user, project=self.project)
        return Response(s.RiskExposureSerializer(series).data)


class IssueViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """The issue log: risks that occurred, with their impact; the PM resolves them."""

    serializer_class = s.RiskIssueSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {"resolve": "projects.edit_plan"}

    def get_queryset(self) -> QuerySet[Issue]:
        if getattr(self, "swagger_fake_view", False):
            return Issue.objects.none()
        return issue_list_for(user=self.request.user, project=self.project)

    @extend_schema(request=s.RiskIssueResolveInputSerializer, responses=s.RiskIssueSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, project_pk: str, pk: str) -> Response:
        issue = issue_get_for(user=request.user, project=self.project, issue_id=int(pk))
        data = s.RiskIssueResolveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issue = issue_resolve(actor=request.user, issue=issue, **data.validated_data)
        return Response(s.RiskIssueSerializer(issue).data)


class RiskSettingsView(APIView):
    """The project's risk scales, thresholds and review tolerance: read by the provider side,
    changed by the PM (every risk's level is recomputed)."""

    def _project(self, request: Request, project_pk: int) -> Project:
        project = project_get_for(user=request.user, project_id=project_pk)
        if not can_view_internal_items(request.user, project):
            raise PermissionDenied()
        return project

    @staticmethod
    def _data(project: Project) -> dict[str, Any]:
        settings = risk_settings_of(project)
        return {
            "probability_scale": settings.probability_labels(),
            "impact_scale": settings.impact_labels(),
            "medium_from": settings.medium_from,
            "high_from": settings.high_from,
            "critical_from": settings.critical_from,
            "review_tolerance_days": settings.review_tolerance_days,
        }

    @extend_schema(responses=s.RiskSettingsSerializer)
    def get(self, request: Request, project_pk: int) -> Response:
        return Response(
            s.RiskSettingsSerializer(self._data(self._project(request, project_pk))).data
        )

    @extend_schema(request=s.RiskSettingsSerializer, responses=s.RiskSettingsSerializer)
    def put(self, request: Request, project_pk: int) -> Response:
        project = self._project(request, project_pk)
        if not can_manage_risk_settings(request.user, project):
            raise PermissionDenied()
        data = s.RiskSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        risk_settings_update(actor=request.user, project=project, **data.validated_data)
        project._risk_settings = None  # type: ignore[attr-defined]
        return Response(s.RiskSettingsSerializer(self._data(project)).data)
