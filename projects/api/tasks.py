"""The API for tasks: the WBS with dependencies, and the computed schedule."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from accounts.models import User
from common.api import LeanListMixin
from common.api_revisions import RevisionedViewMixin
from common.api_schema import SingleObjectSchema
from common.errors import InvalidInput, NotFound
from common.serializers import ModelSerializer
from common.text import LONG_TEXT_MAX_LENGTH
from projects.api.base import ProjectScopedViewSet
from projects.api.rescheduling import PREVIEW_EXAMPLE, ReschedulePreviewSerializer
from projects.closure import ensure_project_open
from projects.models import (
    Project,
    Task,
    TaskDependency,
    Visibility,
)
from projects.permissions import can_view_internal_items
from projects.selectors import (
    milestone_list_for,
)
from projects.selectors.tasks import (
    task_budget_changes_for,
    task_client_people_for,
    task_dependencies_for,
    task_get_for,
    task_is_summary,
    task_list_for,
    task_predecessors_for,
    task_team_for,
    timeline_for,
)
from projects.services.rescheduling import reschedule_preview_task, task_update_with_rescheduling
from projects.services.tasks import (
    LAG_LIMIT,
    TaskChanges,
    dependency_add,
    dependency_remove,
    task_create,
    task_delete,
)


class TaskSerializer(ModelSerializer):
    assignee_name = serializers.CharField(
        source="assignee.display_name", read_only=True, default=None, allow_null=True
    )
    predecessors = serializers.SerializerMethodField()
    # Empty where the task has none: the schema says so (a read-only field built from the model
    # would declare only the choices).
    constraint = serializers.ChoiceField(
        choices=Task.Constraint.choices, allow_blank=True, read_only=True
    )
    repeat = serializers.ChoiceField(choices=Task.Repeat.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "name",
            "description",
            "parent",
            "milestone",
            "assignee",
            "assignee_name",
            "estimate_hours",
            "actual_hours",
            "start_date",
            "due_date",
            "status",
            "percent_complete",
            "visibility",
            "position",
            "predecessors",
            "constraint",
            "constraint_date",
            "baseline_start_date",
            "baseline_due_date",
            "budget_change",
            "owner_side",
            "repeat",
            "repeat_until",
            "occurrence",
            "completed_at",
            "updated_at",
            "revision",
        ]
        read_only_fields = fields
        reads: dict[str, list[str]] = {"predecessors": []}  # from the context (TaskViewSet)

    def for_reader(self, shown: dict[str, Any]) -> dict[str, Any]:
        visible = self.context.get("visible_ids")
        if visible is not None:
            if shown["parent"] not in visible:
                shown["parent"] = None  # an internal parent is not even named to a client
            shown.pop("budget_change", None)  # the budget's changes are the staff's
        return shown

    def get_predecessors(self, task: Task) -> list[int]:
        """Ids of the visible tasks this one depends on (any kind of link)."""
        visible = self.context.get("predecessors")
        if visible is None:
            return []
        return visible.get(task.pk, [])


class TaskInputSerializer(serializers.Serializer):
    """Create (name required) or change a task; ids are looked up in the same project."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    parent = serializers.IntegerField(required=False, allow_null=True)  # type: ignore[assignment]
    milestone = serializers.IntegerField(required=False, allow_null=True)
    assignee = serializers.IntegerField(required=False, allow_null=True)
    estimate_hours = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    actual_hours = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, min_value=0
    )
    start_date = serializers.DateField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Task.Status.choices, required=False)
    percent_complete = serializers.IntegerField(required=False, min_value=0, max_value=100)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    constraint = serializers.ChoiceField(
        choices=Task.Constraint.choices,
        required=False,
        allow_blank=True,
        help_text="snet: start no earlier than; fnlt: finish no later than; blank: none.",
    )
    constraint_date = serializers.DateField(required=False, allow_null=True)
    budget_change = serializers.IntegerField(
        required=False, allow_null=True, help_text="The budget change that added this task."
    )
    owner_side = serializers.ChoiceField(
        choices=Task.OwnerSide.choices,
        required=False,
        help_text="team: the team's task; client: a duty of the client's side (client-visible, "
        "assigned to a client admin or representative, or to no one).",
    )
    repeat = serializers.ChoiceField(
        choices=Task.Repeat.choices,
        required=False,
        allow_blank=True,
        help_text="weekly or monthly: when done, the next occurrence is added; blank: once.",
    )
    repeat_until = serializers.DateField(required=False, allow_null=True)


class TaskPreviewInputSerializer(serializers.Serializer):
    """The task's dates to try (null: no date, so nothing moves), as on the task's form."""

    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, due = attrs["start_date"], attrs["due_date"]
        if start and due and due < start:
            raise serializers.ValidationError(
                {"due_date": [_("The due date cannot be before the start.")]}
            )
        return attrs


class DependencyInputSerializer(serializers.Serializer):
    predecessor = serializers.IntegerField(help_text="The task this one depends on.")
    kind = serializers.ChoiceField(
        choices=TaskDependency.Kind.choices,
        required=False,
        default=TaskDependency.Kind.FINISH_TO_START,
    )
    lag_days = serializers.IntegerField(
        required=False,
        default=0,
        min_value=-LAG_LIMIT,
        max_value=LAG_LIMIT,
        help_text="Working days added after the link; negative for a lead.",
    )


class DependencySerializer(ModelSerializer):
    class Meta:
        model = TaskDependency
        fields = ["id", "predecessor", "successor", "kind", "lag_days"]
        read_only_fields = fields


class ScheduledTaskSerializer(serializers.Serializer):
    task = serializers.IntegerField(source="task_id")
    name = serializers.CharField()
    duration = serializers.IntegerField(help_text="Working days, start and due included.")
    early_start = serializers.DateField()
    early_finish = serializers.DateField()
    late_start = serializers.DateField()
    late_finish = serializers.DateField()
    slack = serializers.IntegerField(
        help_text="Total float in working days; negative when a finish-no-later-than date "
        "is missed."
    )
    is_critical = serializers.BooleanField()
    is_summary = serializers.BooleanField(
        help_text="A task with dated subtasks: its dates span theirs; links to it apply to them."
    )
    owner_side = serializers.ChoiceField(
        choices=Task.OwnerSide.choices, help_text="Whose task it is: the team's or the client's."
    )


class ScheduleSerializer(serializers.Serializer):
    finish = serializers.DateField(allow_null=True)
    tasks = ScheduledTaskSerializer(many=True)


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
        member = (
            task_team_for(project=project).filter(user_id=values["assignee"]).first()
            or task_client_people_for(project=project).filter(user_id=values["assignee"]).first()
        )
        if member is None:
            raise InvalidInput(
                _("Assign the task to a project manager or team member of this project."),
                field="assignee",
            )
        changes["assignee"] = member.user
    if values.get("budget_change") is not None:
        change = task_budget_changes_for(project=project).filter(pk=values["budget_change"]).first()
        if change is None:
            raise InvalidInput(_("Unknown budget change."), field="budget_change")
        changes["budget_change"] = change
    return changes


class TaskViewSet(
    LeanListMixin,
    RevisionedViewMixin,
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
        "reschedule_preview": "projects.edit_plan",
    }

    def get_queryset(self) -> QuerySet[Task]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return Task.objects.none()
        tasks = task_list_for(user=self.request.user, project=self.project)
        if self.action == "list":
            # A task is written with its assignee's name; its project and milestone go out as
            # ids. Fifty tasks read with their project and milestone were a hundred more objects.
            tasks = tasks.select_related(None).select_related("assignee")
        return tasks

    def get_object(self) -> Task:
        return task_get_for(
            user=self.request.user, project=self.project, task_id=int(self.kwargs["pk"])
        )

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        # What is about to be written out, as (id, parent id) pairs: a page of tasks (objects,
        # or the rows of the list: common.api.LeanListMixin), one task, or (unpaginated) all.
        instance = args[0] if args else kwargs.get("instance")
        self._written: list[tuple[int, int | None]] | None = None
        if isinstance(instance, Task):
            self._written = [(instance.pk, instance.parent_id)]
        elif isinstance(instance, list):
            self._written = [
                (task["id"], task["parent"])
                if isinstance(task, dict)
                else (task.pk, task.parent_id)
                for task in instance
            ]
        return super().get_serializer(*args, **kwargs)

    def get_serializer_context(self) -> dict[str, Any]:
        """The predecessors of the tasks written out and, for a client, which of their parents
        it may see: read for those tasks only, so that a page costs the same in a project of
        ten thousand tasks as in one of fifty."""
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and hasattr(self, "project"):
            written = getattr(self, "_written", None)
            context["predecessors"] = task_predecessors_for(
                user=self.request.user,
                project=self.project,
                task_ids=None if written is None else [pk for pk, _parent in written],
            )
            if not can_view_internal_items(self.request.user, self.project):
                visible = task_list_for(user=self.request.user, project=self.project)
                if written is not None:
                    visible = visible.filter(pk__in={parent for _pk, parent in written if parent})
                context["visible_ids"] = set(visible.values_list("pk", flat=True))
        return context

    def _output(self, task: Task, *, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=task.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    @extend_schema(request=TaskInputSerializer, responses={201: TaskSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = TaskInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = _task_changes(dict(data.validated_data), user=request.user, project=self.project)
        task = task_create(actor=request.user, project=self.project, **changes)
        return self._output(task, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=TaskInputSerializer(partial=True), responses=TaskSerializer)
    def partial_update(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        task = self.get_object()
        data = TaskInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = _task_changes(dict(data.validated_data), user=request.user, project=self.project)
        task, _moves = task_update_with_rescheduling(
            actor=request.user, task=task, changes=changes, revision=self.if_match_revision()
        )
        return self._output(task)

    @extend_schema(responses={204: None})
    def destroy(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        task_delete(actor=request.user, task=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Preview what a task's new dates move",
        request=TaskPreviewInputSerializer,
        responses=ReschedulePreviewSerializer,
        examples=[
            OpenApiExample(
                "A week later",
                value={"start_date": "2026-05-25", "due_date": "2026-06-05"},
                request_only=True,
            ),
            OpenApiExample("What it moves", value=PREVIEW_EXAMPLE, response_only=True),
        ],
    )
    @action(detail=True, methods=["post"], url_path="reschedule-preview")
    def reschedule_preview(
        self, request: AuthenticatedRequest, project_pk: str, pk: str
    ) -> Response:
        """What saving the task with these dates would move (the PM's preview on the task's
        page): the task, the successors it pushes, milestones and summary tasks. Nothing is
        saved; like the page's, the preview is refused on a closed project. A summary task's
        dates are its subtasks' (the page does not let them be changed): its own are kept,
        so nothing moves."""
        ensure_project_open(self.project.pk)
        task = self.get_object()
        data = TaskPreviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        start, due = data.validated_data["start_date"], data.validated_data["due_date"]
        if task_is_summary(task=task):
            start, due = task.start_date, task.due_date
        moves = reschedule_preview_task(
            actor=request.user, task=task, start_date=start, due_date=due
        )
        return Response(ReschedulePreviewSerializer({"moves": moves}).data)

    @extend_schema(request=DependencyInputSerializer, responses={201: DependencySerializer})
    @action(detail=True, methods=["post"])
    def dependencies(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """Link this task to `predecessor` (finish-to-start unless `kind` says otherwise), with
        `lag_days` working days (negative: a lead)."""
        successor = self.get_object()
        data = DependencyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        predecessor = self.get_queryset().filter(pk=data.validated_data["predecessor"]).first()
        if predecessor is None:
            raise InvalidInput(_("Unknown task."), field="predecessor")
        link = dependency_add(
            actor=request.user,
            predecessor=predecessor,
            successor=successor,
            kind=data.validated_data["kind"],
            lag_days=data.validated_data["lag_days"],
        )
        return Response(DependencySerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"dependencies/(?P<predecessor_pk>\d+)",
        url_name="remove-dependency",
    )
    def remove_dependency(
        self, request: AuthenticatedRequest, project_pk: str, pk: str, predecessor_pk: str
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
    """The critical path of the project's dated tasks (working days; see
    projects.scheduling): early and late dates, slack, criticality. Only visible tasks."""

    schema = SingleObjectSchema()
    pagination_class = None
    filter_backends: list[type] = []
    serializer_class = ScheduleSerializer

    @extend_schema(responses=ScheduleSerializer)
    def list(self, request: AuthenticatedRequest, project_pk: str) -> Response:
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
                            "is_summary": row.is_summary,
                            "owner_side": (
                                Task.OwnerSide.CLIENT if row.client_owned else Task.OwnerSide.TEAM
                            ),
                        }
                        for row in rows
                    ],
                    many=True,
                ).data,
            }
        )
