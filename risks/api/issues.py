"""The issue log in the API (/api/v1/projects/{project_pk}/risk-issues/): risks that occurred,
with their impact; the PM resolves them."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.serializers import ModelSerializer
from common.text import SHORT_TEXT_MAX_LENGTH
from projects.api.base import ProjectScopedViewSet
from risks.models import Issue
from risks.selectors.issues import issue_get_for, issue_list_for
from risks.services.issues import issue_resolve


class RiskIssueSerializer(ModelSerializer):
    reference = serializers.CharField(read_only=True)
    owner_name = serializers.CharField(
        source="owner.display_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Issue
        fields = [
            "id",
            "reference",
            "risk",
            "title",
            "description",
            "impact",
            "owner",
            "owner_name",
            "status",
            "resolution",
            "created_at",
            "resolved_at",
        ]


class RiskIssueResolveInputSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=SHORT_TEXT_MAX_LENGTH)


class IssueViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """The issue log: risks that occurred, with their impact; the PM resolves them."""

    request: AuthenticatedRequest

    serializer_class = RiskIssueSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {"resolve": "projects.edit_plan"}

    def get_queryset(self) -> QuerySet[Issue]:
        if getattr(self, "swagger_fake_view", False):
            return Issue.objects.none()
        return issue_list_for(user=self.request.user, project=self.project)

    @extend_schema(request=RiskIssueResolveInputSerializer, responses=RiskIssueSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        issue = issue_get_for(user=request.user, project=self.project, issue_id=int(pk))
        data = RiskIssueResolveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issue = issue_resolve(actor=request.user, issue=issue, **data.validated_data)
        return Response(RiskIssueSerializer(issue).data)
