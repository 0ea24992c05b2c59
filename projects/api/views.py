from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from common.api_schema import SingleObjectSchema
from common.errors import InvalidInput, NotFound
from projects.api.base import ProjectScopedViewSet
from projects.api.serializers import (
    AcceptInputSerializer,
    DeliverableInputSerializer,
    DeliverableSerializer,
    DeliverableSummarySerializer,
    DependencyInputSerializer,
    DependencySerializer,
    DocumentSerializer,
    DocumentUploadInputSerializer,
    GateDecisionInputSerializer,
    GateRequestInputSerializer,
    HealthSerializer,
    MembershipSerializer,
    MilestoneInputSerializer,
    MilestoneSerializer,
    MilestoneUpdateSerializer,
    ObjectiveInputSerializer,
    ObjectiveSerializer,
    PhaseGateSerializer,
    ProjectSerializer,
    QualityReviewInputSerializer,
    RejectInputSerializer,
    RoundSerializer,
    ScheduledTaskSerializer,
    ScheduleSerializer,
    SubmitInputSerializer,
    TaskInputSerializer,
    TaskSerializer,
)
from projects.downloads import document_download_response
from projects.health import project_health
from projects.models import Deliverable, Document, Milestone, Objective, PhaseGate, Project, Task
from projects.permissions import can_view_internal_items
from projects.selectors import (
    deliverable_get_for,
    deliverable_list_for,
    deliverable_rounds,
    document_get_for,
    document_list_for,
    document_version_get,
    gate_get_for,
    gate_list_for,
    membership_list_for,
    milestone_list_for,
    objective_list_for,
    project_get_for,
    project_list_for,
)
from projects.selectors.tasks import (
    task_dependencies_for,
    task_get_for,
    task_list_for,
    task_team_for,
    timeline_for,
)
from projects.services import phase_gate_decide, phase_gate_request
from projects.services.deliverables import (
    FailedCriterion,
    deliverable_accept,
    deliverable_accept_internally,
    deliverable_create,
    deliverable_reject,
    deliverable_submit,
    milestone_create,
    milestone_update,
    quality_review_record,
)
from projects.services.documents import document_upload
from projects.services.objectives import objective_create, objective_delete, objective_update
from projects.services.tasks import (
    TaskChanges,
    dependency_add,
    dependency_remove,
    task_create,
    task_delete,
    task_update,
)


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Projects the user may see; another client's project is a 404, like a missing one."""

    serializer_class = ProjectSerializer
    lookup_value_regex = r"\d+"
    filterset_fields = ["client", "is_archived"]
    search_fields = ["code", "name"]
    ordering_fields = ["name", "code", "start_date", "end_date"]

    def get_queryset(self) -> QuerySet[Project]:
        return project_list_for(user=self.request.user, include_archived=True)

    def get_object(self) -> Project:
        return project_get_for(user=self.request.user, project_id=int(self.kwargs["pk"]))

    @extend_schema(responses=HealthSerializer)
    @action(detail=True, methods=["get"])
    def health(self, request: Request, pk: str) -> Response:
        """The project's health: the team sees RAG with every reason and the PM's override; a
        client sees the simplified status with the reasons they may read."""
        project = self.get_object()
        health = project_health(project)
        if can_view_internal_items(request.user, project):
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
        return Response(HealthSerializer(data).data)

    @extend_schema(responses=MembershipSerializer(many=True))
    @action(detail=True, methods=["get"])
    def members(self, request: Request, pk: str) -> Response:
        project = self.get_object()
        memberships = membership_list_for(user=request.user, project=project)
        page = self.paginate_queryset(memberships)
        return self.get_paginated_response(MembershipSerializer(page, many=True).data)


class MilestoneViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """Milestones with their deliverables (internal ones only for the provider side)."""

    serializer_class = MilestoneSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {"create": "projects.edit_plan", "partial_update": "projects.edit_plan"}

    @extend_schema(request=MilestoneUpdateSerializer, responses=MilestoneSerializer)
    def partial_update(self, request: Request, project_pk: str, pk: str) -> Response:
        """Change the current plan of a milestone (the PM); the baseline never moves."""
        milestone = (
            milestone_list_for(user=request.user, project=self.project).filter(pk=int(pk)).first()
        )
        if milestone is None:
            raise NotFound()
        data = MilestoneUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {
            "name": milestone.name,
            "due_date": milestone.due_date,
            "description": milestone.description,
            "visibility": milestone.visibility,
            **data.validated_data,
        }
        milestone = milestone_update(actor=request.user, milestone=milestone, **values)
        milestone = milestone_list_for(user=request.user, project=self.project).get(pk=milestone.pk)
        return Response(MilestoneSerializer(milestone).data)

    def get_queryset(self) -> QuerySet[Milestone]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return Milestone.objects.none()
        return milestone_list_for(user=self.request.user, project=self.project)

    @extend_schema(request=MilestoneInputSerializer, responses={201: MilestoneSerializer})
    def create(self, request: Request, project_pk: str) -> Response:
        data = MilestoneInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        milestone = milestone_create(
            actor=request.user, project=self.project, **data.validated_data
        )
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


class ObjectiveViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
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
    def create(self, request: Request, project_pk: str) -> Response:
        data = ObjectiveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objective = objective_create(
            actor=request.user, project=self.project, **data.validated_data
        )
        return Response(ObjectiveSerializer(objective).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ObjectiveInputSerializer(partial=True), responses=ObjectiveSerializer)
    def partial_update(self, request: Request, project_pk: str, pk: str) -> Response:
        objective = self.get_object()
        data = ObjectiveInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {
            "title": objective.title,
            "target": objective.target,
            "status": objective.status,
            **data.validated_data,
        }
        objective = objective_update(actor=request.user, objective=objective, **values)
        return Response(ObjectiveSerializer(objective).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, project_pk: str, pk: str) -> Response:
        objective_delete(actor=request.user, objective=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliverableViewSet(ProjectScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Deliverables and their acceptance: review and submit (team), accept or reject (client)."""

    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": "projects.edit_plan",
        "review": "projects.review_quality",
        "submit": "projects.edit_plan",
        "accept": "projects.accept_deliverable",
        "reject": "projects.accept_deliverable",
        "accept_internally": "projects.accept_deliverable_internally",
    }

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return DeliverableSummarySerializer if self.action == "list" else DeliverableSerializer

    def get_queryset(self) -> QuerySet[Deliverable]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return Deliverable.objects.none()
        deliverables = deliverable_list_for(user=self.request.user, project=self.project)
        if self.action != "list":
            deliverables = deliverables.prefetch_related("criteria")
        return deliverables

    def get_object(self) -> Deliverable:
        return deliverable_get_for(
            user=self.request.user, project=self.project, deliverable_id=int(self.kwargs["pk"])
        )

    @extend_schema(request=DeliverableInputSerializer, responses={201: DeliverableSerializer})
    def create(self, request: Request, project_pk: str) -> Response:
        data = DeliverableInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        milestone = (
            milestone_list_for(user=request.user, project=self.project)
            .filter(pk=values.pop("milestone"))
            .first()
        )
        if milestone is None:
            raise InvalidInput(_("Unknown milestone."), field="milestone")
        deliverable = deliverable_create(actor=request.user, milestone=milestone, **values)
        return Response(DeliverableSerializer(deliverable).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=RoundSerializer(many=True))
    @action(detail=True, methods=["get"])
    def rounds(self, request: Request, project_pk: str, pk: str) -> Response:
        rounds = deliverable_rounds(deliverable=self.get_object())
        return Response(RoundSerializer(rounds, many=True).data)

    @extend_schema(request=QualityReviewInputSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, project_pk: str, pk: str) -> Response:
        data = QualityReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quality_review_record(
            actor=request.user, deliverable=self.get_object(), **data.validated_data
        )
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(request=SubmitInputSerializer, responses=DeliverableSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, project_pk: str, pk: str) -> Response:
        data = SubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deliverable = self.get_object()
        deliverable_submit(actor=request.user, deliverable=deliverable, **data.validated_data)
        return Response(DeliverableSerializer(self.get_object()).data)

    @extend_schema(request=AcceptInputSerializer, responses=DeliverableSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, project_pk: str, pk: str) -> Response:
        data = AcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deliverable_accept(actor=request.user, deliverable=self.get_object(), **data.validated_data)
        return Response(DeliverableSerializer(self.get_object()).data)

    @extend_schema(request=None, responses=DeliverableSerializer)
    @action(detail=True, methods=["post"], url_path="accept-internally")
    def accept_internally(self, request: Request, project_pk: str, pk: str) -> Response:
        """The PM accepts an internal deliverable (never put to the client) after a passed
        quality review."""
        deliverable_accept_internally(actor=request.user, deliverable=self.get_object())
        return Response(DeliverableSerializer(self.get_object()).data)

    @extend_schema(request=RejectInputSerializer, responses=DeliverableSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, project_pk: str, pk: str) -> Response:
        data = RejectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deliverable_reject(
            actor=request.user,
            deliverable=self.get_object(),
            failed=[
                FailedCriterion(criterion_id=item["criterion"], reason=item["reason"])
                for item in data.validated_data["failed"]
            ],
            comment=data.validated_data["comment"],
        )
        return Response(DeliverableSerializer(self.get_object()).data)


class PhaseGateViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """Gate reviews: the PM requests the move to the next phase, the client admin decides."""

    serializer_class = PhaseGateSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": "projects.request_phase_gate",
        "decide": "projects.approve_phase_gate",
    }

    def get_queryset(self) -> QuerySet[PhaseGate]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return PhaseGate.objects.none()
        return gate_list_for(user=self.request.user, project=self.project)

    @extend_schema(request=GateRequestInputSerializer, responses={201: PhaseGateSerializer})
    def create(self, request: Request, project_pk: str) -> Response:
        data = GateRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        gate = phase_gate_request(actor=request.user, project=self.project, **data.validated_data)
        return Response(PhaseGateSerializer(gate).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=GateDecisionInputSerializer, responses=PhaseGateSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, project_pk: str, pk: str) -> Response:
        data = GateDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        gate = gate_get_for(user=request.user, project=self.project, gate_id=int(pk))
        gate = phase_gate_decide(actor=request.user, gate=gate, **data.validated_data)
        return Response(PhaseGateSerializer(gate).data)


class DocumentViewSet(ProjectScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Documents with their versions (internal ones only for the provider side); the team
    uploads documents and new versions (multipart); download serves a version's file."""

    lookup_value_regex = r"\d+"
    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    action_permissions = {"create": "projects.upload_document"}

    def get_queryset(self) -> QuerySet[Document]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return Document.objects.none()
        return document_list_for(user=self.request.user, project=self.project)

    def get_object(self) -> Document:
        return document_get_for(
            user=self.request.user, project=self.project, document_id=int(self.kwargs["pk"])
        )

    @extend_schema(request=DocumentUploadInputSerializer, responses={201: DocumentSerializer})
    def create(self, request: Request, project_pk: str) -> Response:
        data = DocumentUploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        document = None
        if values["document"] is not None:
            document = document_get_for(
                user=request.user, project=self.project, document_id=values["document"]
            )
        version = document_upload(
            actor=request.user,
            project=self.project,
            file=values["file"],
            document=document,
            title=values["title"],
            milestone=self._pick(milestone_list_for, values["milestone"], "milestone"),
            deliverable=self._pick(deliverable_list_for, values["deliverable"], "deliverable"),
            visibility=values["visibility"],
            note=values["note"],
        )
        document = self.get_queryset().get(pk=version.document_id)
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    def _pick(self, selector: object, pk: int | None, field: str) -> object:
        if pk is None:
            return None
        item = selector(user=self.request.user, project=self.project).filter(pk=pk).first()  # type: ignore[operator]
        if item is None:
            message = _("Unknown milestone.") if field == "milestone" else _("Unknown deliverable.")
            raise InvalidInput(message, field=field)
        return item

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "version", int, description="A version number; the current one by default."
            ),
            OpenApiParameter("inline", bool, description="Display a PDF or an image inline."),
        ],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, with its original name."
            )
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, project_pk: str, pk: str) -> FileResponse:
        number = None
        if "version" in request.query_params:
            try:
                number = int(request.query_params["version"])
            except ValueError:
                number = 0
            if number < 1:
                raise NotFound()
        version = document_version_get(document=self.get_object(), number=number)
        return document_download_response(
            version, inline=request.query_params.get("inline") in ("1", "true")
        )


# --- Tasks --------------------------------------------------------------------------------------


def _task_changes(values: dict[str, Any], *, user: User, project: Project) -> TaskChanges:
    """The validated input as service changes: the ids of a parent, milestone and assignee are
    looked up in this project (an id from elsewhere is an unknown one)."""
    changes = TaskChanges(**values)  # type: ignore[typeddict-item]
    if values.get("parent") is not None:
        parent = task_list_for(user=user, project=project).filter(pk=values["parent"]).first()
        if parent is None:
            raise InvalidInput(_("Unknown task."), field="parent")
        changes["parent"] = parent
    if values.get("milestone") is not None:
        milestone = (
            milestone_list_for(user=user, project=project).filter(pk=values["milestone"]).first()
        )
        if milestone is None:
            raise InvalidInput(_("Unknown milestone."), field="milestone")
        changes["milestone"] = milestone
    if values.get("assignee") is not None:
        member = task_team_for(project=project).filter(user_id=values["assignee"]).first()
        if member is None:
            raise InvalidInput(
                _("Assign the task to a project manager or team member of this project."),
                field="assignee",
            )
        changes["assignee"] = member.user
    return changes


class TaskViewSet(
    ProjectScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
):
    """Tasks of a project (clients see only the client-visible ones). The PM plans them; a team
    member updates the progress of the tasks assigned to them."""

    serializer_class = TaskSerializer
    lookup_value_regex = r"\d+"
    filterset_fields = ["status", "assignee", "milestone"]
    ordering_fields = ["position", "due_date", "start_date", "name"]
    action_permissions = {
        "create": "projects.edit_plan",
        "partial_update": "projects.edit_own_tasks",
        "destroy": "projects.edit_plan",
        "dependencies": "projects.edit_plan",
        "remove_dependency": "projects.edit_plan",
    }

    def get_queryset(self) -> QuerySet[Task]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return Task.objects.none()
        return task_list_for(user=self.request.user, project=self.project)

    def get_object(self) -> Task:
        return task_get_for(
            user=self.request.user, project=self.project, task_id=int(self.kwargs["pk"])
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and hasattr(self, "project"):
            predecessors: dict[int, list[int]] = {}
            for link in task_dependencies_for(user=self.request.user, project=self.project):
                predecessors.setdefault(link.successor_id, []).append(link.predecessor_id)
            context["predecessors"] = predecessors
            if not can_view_internal_items(self.request.user, self.project):
                context["visible_ids"] = set(
                    task_list_for(user=self.request.user, project=self.project).values_list(
                        "pk", flat=True
                    )
                )
        return context

    def _output(self, task: Task, *, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=task.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    @extend_schema(request=TaskInputSerializer, responses={201: TaskSerializer})
    def create(self, request: Request, project_pk: str) -> Response:
        data = TaskInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = _task_changes(dict(data.validated_data), user=request.user, project=self.project)
        task = task_create(actor=request.user, project=self.project, **changes)
        return self._output(task, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=TaskInputSerializer(partial=True), responses=TaskSerializer)
    def partial_update(self, request: Request, project_pk: str, pk: str) -> Response:
        task = self.get_object()
        data = TaskInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = _task_changes(dict(data.validated_data), user=request.user, project=self.project)
        task = task_update(actor=request.user, task=task, changes=changes)
        return self._output(task)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, project_pk: str, pk: str) -> Response:
        task_delete(actor=request.user, task=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=DependencyInputSerializer, responses={201: DependencySerializer})
    @action(detail=True, methods=["post"])
    def dependencies(self, request: Request, project_pk: str, pk: str) -> Response:
        """This task cannot start before `predecessor` finishes."""
        successor = self.get_object()
        data = DependencyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        predecessor = self.get_queryset().filter(pk=data.validated_data["predecessor"]).first()
        if predecessor is None:
            raise InvalidInput(_("Unknown task."), field="predecessor")
        link = dependency_add(actor=request.user, predecessor=predecessor, successor=successor)
        return Response(DependencySerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"dependencies/(?P<predecessor_pk>\d+)",
        url_name="remove-dependency",
    )
    def remove_dependency(
        self, request: Request, project_pk: str, pk: str, predecessor_pk: str
    ) -> Response:
        """This task no longer waits for the task `predecessor_pk`."""
        successor = self.get_object()
        link = (
            task_dependencies_for(user=request.user, project=self.project)
            .filter(successor=successor, predecessor_id=int(predecessor_pk))
            .first()
        )
        if link is None:
            raise NotFound()
        dependency_remove(actor=request.user, dependency=link)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ScheduleViewSet(ProjectScopedViewSet):
    """The critical path of the project's dated tasks (calendar days; see
    projects.scheduling): early and late dates, slack, criticality. Only visible tasks."""

    schema = SingleObjectSchema()
    pagination_class = None
    filter_backends: list[type] = []
    serializer_class = ScheduleSerializer

    @extend_schema(responses=ScheduleSerializer)
    def list(self, request: Request, project_pk: str) -> Response:
        timeline = timeline_for(user=request.user, project=self.project)
        rows = [row for row in timeline.rows if row.schedule is not None]
        return Response(
            {
                "finish": timeline.finish,
                "tasks": ScheduledTaskSerializer(
                    [
                        {
                            "task_id": row.id,
                            "name": row.name,
                            "duration": row.schedule.duration,  # type: ignore[union-attr]
                            "early_start": row.schedule.early_start,  # type: ignore[union-attr]
                            "early_finish": row.schedule.early_finish,  # type: ignore[union-attr]
                            "late_start": row.schedule.late_start,  # type: ignore[union-attr]
                            "late_finish": row.schedule.late_finish,  # type: ignore[union-attr]
                            "slack": row.schedule.slack,  # type: ignore[union-attr]
                            "is_critical": row.is_critical,
                        }
                        for row in rows
                    ],
                    many=True,
                ).data,
            }
        )
