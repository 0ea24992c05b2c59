"""The API for a project's baselines: everyone who opens the project lists them, as on the
Baselines page (the budget only for who may see it); the PM sets the first (an approved change
request sets the next ones)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.serializers import ModelSerializer
from common.text import SHORT_TEXT_MAX_LENGTH
from projects.api.base import ProjectScopedViewSet
from projects.models import Baseline
from projects.selectors.baselines import baseline_list_for, sees_budget
from projects.services.baselines import baseline_set_first


class BaselineSerializer(ModelSerializer):
    set_by = serializers.CharField(source="set_by.display_name", read_only=True)

    def to_representation(self, instance: Baseline) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("sees_budget", True):
            data["budget"] = None
        return data

    class Meta:
        model = Baseline
        fields = [
            "id",
            "number",
            "reason",
            "change_reference",
            "start_date",
            "end_date",
            "budget",
            "scope_statement",
            "set_by",
            "set_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "budget": {
                "help_text": "Empty where the reader may not see the project's budget (its "
                "budget_visibility for the client's people)."
            }
        }


# Which plan becomes the baseline, as on the Baselines page (the schema's BaselineSourceEnum).
BASELINE_SOURCES = [
    ("current", _("The current plan")),
    ("created", _("The dates the project and its items were created with")),
]


class BaselineSetInputSerializer(serializers.Serializer):
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field, not Field.source
        choices=BASELINE_SOURCES,
        help_text="current: the plan as it is now; created: the dates the project, its "
        "milestones and tasks were created with, which keeps what has slipped since.",
    )
    reason = serializers.CharField(
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text='What this plan is, such as "the plan signed with the statement of work".',
    )


class BaselineViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """The project's baselines, the newest (the current one) first; the PM sets the first."""

    serializer_class = BaselineSerializer
    action_permissions = {"create": "projects.edit_plan"}

    def get_queryset(self) -> QuerySet[Baseline]:
        if getattr(self, "swagger_fake_view", False):
            return Baseline.objects.none()
        return baseline_list_for(user=self.request.user, project=self.project)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["sees_budget"] = sees_budget(self.request.user, self.project)
        return context

    @extend_schema(summary="List the baselines")
    def list(self, request: AuthenticatedRequest, project_pk: str) -> Response:  # type: ignore[override]
        """Every baseline of the project, as on the Baselines page: for the client's people
        with the budget only where the project's budget_visibility shows it."""
        return super().list(request)

    @extend_schema(
        summary="Set the first baseline",
        request=BaselineSetInputSerializer,
        responses={201: BaselineSerializer},
        examples=[
            OpenApiExample(
                "The plan signed with the statement of work",
                value={"source": "current", "reason": "The plan signed with the SoW"},
                request_only=True,
            ),
            OpenApiExample(
                "Baseline 1",
                value={
                    "id": 8,
                    "number": 1,
                    "reason": "The plan signed with the SoW",
                    "change_reference": "",
                    "start_date": "2026-03-02",
                    "end_date": "2026-09-30",
                    "budget": "240000.00",
                    "scope_statement": "A new warehouse management system for Hamburg.",
                    "set_by": "Paula PM",
                    "set_at": "2026-03-09T10:00:00Z",
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        """The PM saves the agreed plan as baseline 1: health, SPI and slippage compare against
        it from then on; nothing of the current plan moves. Once the project has a baseline
        only a change request approved by both sides sets another (409)."""
        data = BaselineSetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        baseline = baseline_set_first(
            actor=request.user,
            project=self.project,
            reason=data.validated_data["reason"],
            from_current_plan=data.validated_data["source"] == "current",
        )
        return Response(BaselineSerializer(baseline).data, status=status.HTTP_201_CREATED)
