"""The API for projects themselves: the projects a person may see with their health and members,
and their objectives; starting a project (blank, as a copy), editing, archiving and restoring it,
the PM's health override, and the members' roles."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.api.me import OrganizationSerializer
from accounts.http import AuthenticatedRequest
from accounts.models import Organization
from common.api import LeanListMixin
from common.api_revisions import RevisionedViewMixin
from common.errors import InvalidInput, NotFound
from common.serializers import ModelSerializer
from common.text import LONG_TEXT_MAX_LENGTH
from projects.api.base import ProjectScopedViewSet
from projects.closure import ensure_project_open
from projects.forms.members import role_choices_for
from projects.health import project_health
from projects.models import (
    BudgetVisibility,
    HealthStatus,
    Membership,
    Objective,
    Phase,
    Project,
    Role,
)
from projects.permissions import can_use_templates, can_view_internal_items
from projects.selectors import (
    membership_list_for,
    objective_list_for,
    project_get_for,
    project_list_for,
)
from projects.services.memberships import membership_change_role, membership_remove
from projects.services.objectives import objective_create, objective_delete, objective_update
from projects.services.projects import (
    ProjectData,
    project_create,
    project_health_override,
    project_health_override_clear,
    project_set_archived,
    project_update,
)
from projects.services.templates import project_copy


class ProjectSerializer(ModelSerializer):
    client = OrganizationSerializer(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "summary",
            "client",
            "start_date",
            "end_date",
            "is_archived",
            "revision",
        ]
        read_only_fields = fields


class MemberUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    email = serializers.EmailField()
    organization = serializers.CharField(source="organization.name", default=None)


class MembershipSerializer(ModelSerializer):
    user = MemberUserSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "role_label", "created_at"]
        read_only_fields = fields


class ObjectiveSerializer(ModelSerializer):
    class Meta:
        model = Objective
        fields = ["id", "title", "target", "status", "position", "revision"]
        read_only_fields = fields


class ObjectiveInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    target = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(
        choices=Objective.Status.choices, default=Objective.Status.NOT_STARTED
    )


class HealthFindingSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HealthStatus.choices)
    reason = serializers.CharField()


class HealthOverrideSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HealthStatus.choices)
    reason = serializers.CharField()
    by = serializers.CharField(source="by.display_name", allow_null=True, default=None)
    until = serializers.DateField(allow_null=True)


class HealthSerializer(serializers.Serializer):
    """The team's view: RAG, the reasons, and the PM's override if one holds. A client gets
    `status` as on track / at risk / off track (green / amber / red) from what they may see,
    only the reasons they may read, and no override detail."""

    status = serializers.ChoiceField(choices=HealthStatus.choices)
    computed_status = serializers.ChoiceField(choices=HealthStatus.choices, allow_null=True)
    reasons = HealthFindingSerializer(many=True)
    override = HealthOverrideSerializer(allow_null=True)


class ProjectSettingsSerializer(ProjectSerializer):
    """A project with the settings its PM edits (the team's view: budget and scope included)."""

    class Meta(ProjectSerializer.Meta):
        fields = [
            *ProjectSerializer.Meta.fields,
            "phase",
            "scope_statement",
            "out_of_scope",
            "baseline_start_date",
            "baseline_end_date",
            "budget",
            "currency",
            "budget_visibility",
            "tags",
            "deemed_acceptance_days",
            "gates_need_client_approval",
        ]
        read_only_fields = fields


class ProjectInputSerializer(serializers.Serializer):
    """What a PM enters about a project, as on the project's form."""

    client = serializers.IntegerField(help_text="A client organisation's id.")
    code = serializers.SlugField(max_length=32, help_text="A short unique code, such as NW-WMS.")
    name = serializers.CharField(max_length=200)
    summary = serializers.CharField(
        max_length=LONG_TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    phase = serializers.ChoiceField(choices=Phase.choices, default=Phase.INITIATION)
    scope_statement = serializers.CharField(
        max_length=LONG_TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    out_of_scope = serializers.CharField(
        max_length=LONG_TEXT_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="One item per line.",
    )
    start_date = serializers.DateField(required=False, allow_null=True, default=None)
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    budget = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
    )
    currency = serializers.CharField(min_length=3, max_length=3, default="EUR")
    budget_visibility = serializers.ChoiceField(
        choices=BudgetVisibility.choices, default=BudgetVisibility.NOTHING
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=20, required=False, default=list
    )
    gates_need_client_approval = serializers.BooleanField(required=False, default=False)
    deemed_acceptance_days = serializers.IntegerField(
        min_value=1, max_value=90, required=False, allow_null=True, default=None
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("start_date"), attrs.get("end_date")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": [_("The end cannot be before the start.")]}
            )
        return attrs


class ProjectUpdateSerializer(ProjectInputSerializer):
    """The project's settings once it exists (sent partially: the fields left out keep their
    values). The client never changes; the code and the phase may be sent unchanged only (the
    phase changes through a gate review)."""

    client = None  # type: ignore[assignment]


class ProjectFromPlanInputSerializer(serializers.Serializer):
    """A new project whose plan comes from elsewhere (a template, a project): the client, code,
    name and start from here; every date of the plan moves with the start."""

    client = serializers.IntegerField(help_text="A client organisation's id.")
    code = serializers.SlugField(max_length=32)
    name = serializers.CharField(max_length=200)
    start_date = serializers.DateField()


class ArchivedInputSerializer(serializers.Serializer):
    is_archived = serializers.BooleanField(
        help_text="true archives the project (out of the lists), false restores it."
    )


class HealthOverrideInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HealthStatus.choices)
    reason = serializers.CharField(max_length=2000)
    until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The last day it holds (at most 90 days ahead); 14 days from today if empty. "
        "The next status report ends it too.",
    )


class MembershipRoleInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


def client_organization(client_id: int) -> Organization:
    """The client organisation a new project is for (400 on the field otherwise)."""
    client = Organization.objects.filter(pk=client_id, kind=Organization.Kind.CLIENT).first()
    if client is None:
        raise InvalidInput(_("Choose a client organisation."), field="client")
    return client


PROJECT_EXAMPLE = {
    "client": 3,
    "code": "NW-WMS",
    "name": "Northwind warehouse system",
    "summary": "A new warehouse management system for the Hamburg site.",
    "start_date": "2026-03-02",
    "end_date": "2026-09-30",
    "budget": "240000.00",
    "currency": "EUR",
    "budget_visibility": "totals",
    "tags": ["logistics", "SAP"],
}
PROJECT_ANSWER_EXAMPLE = {
    "id": 12,
    "code": "NW-WMS",
    "name": "Northwind warehouse system",
    "summary": "A new warehouse management system for the Hamburg site.",
    "client": {"id": 3, "name": "Northwind", "kind": "client"},
    "start_date": "2026-03-02",
    "end_date": "2026-09-30",
    "is_archived": False,
    "revision": 1,
    "phase": "initiation",
    "scope_statement": "",
    "out_of_scope": "",
    "baseline_start_date": "2026-03-02",
    "baseline_end_date": "2026-09-30",
    "budget": "240000.00",
    "currency": "EUR",
    "budget_visibility": "totals",
    "tags": ["logistics", "SAP"],
    "deemed_acceptance_days": None,
    "gates_need_client_approval": False,
}


class ProjectViewSet(LeanListMixin, RevisionedViewMixin, viewsets.ReadOnlyModelViewSet):
    """Projects the user may see; another client's project is a 404, like a missing one. A
    provider person starts projects; the PM edits, archives and restores theirs."""

    # A membership has no revision: its PATCH takes no If-Match.
    unrevisioned_actions = ("member",)

    request: AuthenticatedRequest
    serializer_class = ProjectSerializer
    lookup_value_regex = r"\d+"
    filterset_fields = ["client", "is_archived"]
    search_fields = ["code", "name"]
    ordering_fields = ["name", "code", "start_date", "end_date"]

    def get_queryset(self) -> QuerySet[Project]:
        return project_list_for(user=self.request.user, include_archived=True, count_members=False)

    def get_object(self) -> Project:
        return project_get_for(user=self.request.user, project_id=int(self.kwargs["pk"]))

    @extend_schema(responses=HealthSerializer)
    @action(detail=True, methods=["get"])
    def health(self, request: AuthenticatedRequest, pk: str) -> Response:
        """The project's health: the team sees RAG with every reason and the PM's override; a
        client sees the simplified status with the reasons they may read."""
        return Response(self._health_body(self.get_object()))

    def _health_body(self, project: Project) -> Any:
        health = project_health(project)
        if can_view_internal_items(self.request.user, project):
            data = {
                "status": health.status,
                "computed_status": health.computed_status,
                "reasons": health.reasons,
                "override": health.override,
            }
        else:
            data = {
                "status": health.client_status,
                "computed_status": None,
                "reasons": [] if health.override else health.client_reasons,
                "override": None,
            }
        return HealthSerializer(data).data

    @extend_schema(responses=MembershipSerializer(many=True))
    @action(detail=True, methods=["get"])
    def members(self, request: AuthenticatedRequest, pk: str) -> Response:
        project = self.get_object()
        memberships = membership_list_for(user=request.user, project=project)
        page = self.paginate_queryset(memberships)
        return self.get_paginated_response(MembershipSerializer(page, many=True).data)

    # --- Writes -------------------------------------------------------------------------------

    def _project_for(self, permission: str, *, open_only: bool = True) -> Project:
        """The project of the URL for a write: 404 unless the user may see it, 409 if it is
        closed (unless the write stays possible then), 403 without `permission`; all before
        the input is read."""
        project = self.get_object()
        if open_only:
            ensure_project_open(project.pk)
        if not self.request.user.has_perm(permission, project):
            raise PermissionDenied()
        return project

    @extend_schema(
        summary="Start a blank project",
        request=ProjectInputSerializer,
        responses={201: ProjectSettingsSerializer},
        examples=[
            OpenApiExample("A project for a client", value=PROJECT_EXAMPLE, request_only=True),
            OpenApiExample(
                "The new project",
                value=PROJECT_ANSWER_EXAMPLE,
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        """A provider person starts a project for a client and becomes its project manager;
        the dates entered now are also its baseline."""
        if not request.user.has_perm("projects.add_project"):
            raise PermissionDenied()
        serializer = ProjectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        client = client_organization(values.pop("client"))
        project = project_create(actor=request.user, client=client, data=ProjectData(**values))
        return Response(ProjectSettingsSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a project's settings",
        request=ProjectUpdateSerializer(partial=True),
        responses=ProjectSettingsSerializer,
        examples=[
            OpenApiExample(
                "Move the end and share the budget totals",
                value={"end_date": "2026-10-31", "budget_visibility": "totals"},
                request_only=True,
            ),
            OpenApiExample("The project saved", value=PROJECT_ANSWER_EXAMPLE, response_only=True),
        ],
    )
    def partial_update(self, request: AuthenticatedRequest, pk: str) -> Response:
        """The PM edits the project's current plan and details (the fields left out keep
        their values); the baseline stays as it was. The client and the code never change, the
        phase only through a gate review."""
        project = self._project_for("projects.edit_plan")
        serializer = ProjectUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {name: getattr(project, name) for name in ProjectData.__dataclass_fields__} | dict(
            serializer.validated_data
        )
        project = project_update(
            actor=request.user,
            project=project,
            data=ProjectData(**values),
            revision=self.if_match_revision(),
        )
        return Response(ProjectSettingsSerializer(project).data)

    @extend_schema(
        summary="Archive or restore a project",
        request=ArchivedInputSerializer,
        responses=ProjectSettingsSerializer,
        examples=[
            OpenApiExample("Archive it", value={"is_archived": True}, request_only=True),
            OpenApiExample(
                "The project, archived",
                value={**PROJECT_ANSWER_EXAMPLE, "is_archived": True, "revision": 2},
                response_only=True,
            ),
        ],
    )
    @action(detail=True, methods=["post"], url_path="set-archived")
    def set_archived(self, request: AuthenticatedRequest, pk: str) -> Response:
        """The PM archives the project (it leaves the lists, its content stays as it is) or
        restores it. A closed project may be archived too."""
        project = self._project_for("projects.edit_plan", open_only=False)
        serializer = ArchivedInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = project_set_archived(
            actor=request.user, project=project, archived=serializer.validated_data["is_archived"]
        )
        return Response(ProjectSettingsSerializer(project).data)

    @extend_schema(
        summary="Copy a project",
        request=ProjectFromPlanInputSerializer,
        responses={201: ProjectSettingsSerializer},
        examples=[
            OpenApiExample(
                "The same plan for another site",
                value={
                    "client": 3,
                    "code": "NW-WMS-2",
                    "name": "Northwind warehouse system, Bremen",
                    "start_date": "2026-10-05",
                },
                request_only=True,
            ),
            OpenApiExample(
                "The new project",
                value={**PROJECT_ANSWER_EXAMPLE, "id": 13, "code": "NW-WMS-2"},
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def copy(self, request: AuthenticatedRequest, pk: str) -> Response:
        """Start a new project from this project's plan (its milestones, deliverables and tasks,
        not its people, status or progress), every date moved with the new start. Whoever may
        start projects and see this one; the copy may be made of a closed project."""
        if not can_use_templates(request.user):
            raise PermissionDenied()
        source = self.get_object()
        serializer = ProjectFromPlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        project = project_copy(
            actor=request.user,
            source=source,
            client=client_organization(values.pop("client")),
            **values,
        )
        return Response(ProjectSettingsSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Set the project's health by hand",
        request=HealthOverrideInputSerializer,
        responses=HealthSerializer,
        examples=[
            OpenApiExample(
                "Amber for a known slip",
                value={
                    "status": "amber",
                    "reason": "The scanner delivery slips two weeks; agreed with the client.",
                    "until": "2026-05-15",
                },
                request_only=True,
            ),
            OpenApiExample(
                "The health with the override",
                value={
                    "status": "amber",
                    "computed_status": "green",
                    "reasons": [],
                    "override": {
                        "status": "amber",
                        "reason": "The scanner delivery slips two weeks; agreed with the client.",
                        "by": "Paula PM",
                        "until": "2026-05-15",
                    },
                },
                response_only=True,
            ),
        ],
    )
    @action(detail=True, methods=["post"], url_path="health-override")
    def health_override(self, request: AuthenticatedRequest, pk: str) -> Response:
        """The PM sets the health, saying why; it holds until the next status report or
        `until`, whichever comes first."""
        project = self._project_for("projects.edit_plan")
        serializer = HealthOverrideInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = project_health_override(
            actor=request.user, project=project, **serializer.validated_data
        )
        return Response(self._health_body(project))

    @extend_schema(summary="Withdraw the health override", request=None, responses={204: None})
    @health_override.mapping.delete
    def health_override_clear(self, request: AuthenticatedRequest, pk: str) -> Response:
        """The PM withdraws their override: the computed health shows again."""
        project = self._project_for("projects.edit_plan")
        project_health_override_clear(actor=request.user, project=project)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _membership(self, project: Project) -> Membership:
        membership = (
            membership_list_for(user=self.request.user, project=project)
            .filter(pk=int(self.kwargs["membership_pk"]))
            .first()
        )
        if membership is None:
            raise NotFound()
        return membership

    @extend_schema(
        summary="Change a member's role",
        request=MembershipRoleInputSerializer,
        responses=MembershipSerializer,
        examples=[
            OpenApiExample(
                "Make them a viewer", value={"role": "client_viewer"}, request_only=True
            ),
            OpenApiExample(
                "The membership",
                value={
                    "id": 41,
                    "user": {
                        "id": 7,
                        "display_name": "Rory Rep",
                        "email": "rory@northwind.example",
                        "organization": "Northwind",
                    },
                    "role": "client_viewer",
                    "role_label": "Client viewer",
                    "created_at": "2026-03-02T09:00:00Z",
                },
                response_only=True,
            ),
        ],
    )
    @action(detail=True, methods=["patch"], url_path=r"members/(?P<membership_pk>\d+)")
    def member(self, request: AuthenticatedRequest, pk: str, membership_pk: str) -> Response:
        """Those who manage the members (the PM; a client admin for their colleagues) change a
        member's role to one they may give."""
        project = self._project_for("projects.manage_members")
        membership = self._membership(project)
        serializer = MembershipRoleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        role = serializer.validated_data["role"]
        if role not in dict(role_choices_for(request.user, project)):
            raise InvalidInput(_("Choose one of the roles offered."), field="role")
        membership = membership_change_role(actor=request.user, membership=membership, role=role)
        return Response(MembershipSerializer(membership).data)

    @extend_schema(summary="Remove a member", request=None, responses={204: None})
    @member.mapping.delete
    def member_remove(self, request: AuthenticatedRequest, pk: str, membership_pk: str) -> Response:
        """Those who manage the members remove one (a closed project too: access review). The
        last project manager stays."""
        project = self._project_for("projects.manage_members", open_only=False)
        membership_remove(actor=request.user, membership=self._membership(project))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ObjectiveViewSet(RevisionedViewMixin, ProjectScopedViewSet, mixins.ListModelMixin):
    """The project's objectives: everyone in the project reads them, the PM changes them."""

    serializer_class = ObjectiveSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": "projects.edit_plan",
        "partial_update": "projects.edit_plan",
        "destroy": "projects.edit_plan",
    }

    def get_queryset(self) -> QuerySet[Objective]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return Objective.objects.none()
        return objective_list_for(user=self.request.user, project=self.project)

    def get_object(self) -> Objective:
        objective = self.get_queryset().filter(pk=int(self.kwargs["pk"])).first()
        if objective is None:
            raise NotFound()
        return objective

    @extend_schema(request=ObjectiveInputSerializer, responses={201: ObjectiveSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = ObjectiveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objective = objective_create(
            actor=request.user, project=self.project, **data.validated_data
        )
        return Response(ObjectiveSerializer(objective).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ObjectiveInputSerializer(partial=True), responses=ObjectiveSerializer)
    def partial_update(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        objective = self.get_object()
        data = ObjectiveInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.validated_data  # the fields not sent keep their saved values
        objective = objective_update(
            actor=request.user, objective=objective, revision=self.if_match_revision(), **values
        )
        return Response(ObjectiveSerializer(objective).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        objective_delete(actor=request.user, objective=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
