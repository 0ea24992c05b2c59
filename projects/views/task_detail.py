"""A task's page: its details, history and dependencies; the PM edits it there (with a preview
of what its new dates move before saving), and deletes it and links it to the tasks it depends
on through views of their own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.errors import NotFound
from common.pages import run_action, run_form
from projects.forms.tasks import DependencyForm, TaskEditForm
from projects.mixins import ProjectPageMixin
from projects.models import Task, TaskDependency
from projects.permissions import can_edit_plan
from projects.selectors.tasks import (
    TaskOutlineRow,
    task_dependencies_for,
    task_get_for,
    task_outline_for,
    task_rows_in,
)
from projects.services.rescheduling import (
    reschedule_preview_task,
    task_update_with_rescheduling,
)
from projects.services.tasks import (
    dependency_add,
    dependency_remove,
    task_delete,
)
from projects.views.base import as_int
from projects.views.tasks import changes_from, task_form


class TaskDetailView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """A task: its details and dependencies; the PM edits or deletes it and links it to the
    tasks it depends on."""

    request: AuthenticatedHttpRequest

    template_name = "projects/task_detail.html"

    def get_task(self) -> Task:
        return task_get_for(
            user=self.request.user, project=self.project, task_id=self.kwargs["task_id"]
        )

    def task_among(self, rows: Sequence[TaskOutlineRow]) -> Task:
        """The task of the URL, with its `wbs` and `depth`, among the outline of the tasks the
        user may see (task_outline_for): only this one task is read in full."""
        task_id = self.kwargs["task_id"]
        for row in rows:
            if row.pk == task_id:
                return task_rows_in(user=self.request.user, project=self.project, rows=[row])[0]
        raise NotFound()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = task_outline_for(user=user, project=self.project, names=True)
        task = kwargs.get("task") or self.task_among(rows)
        may_edit = can_edit_plan(user, self.project) and not self.project.is_closed
        dependencies = list(
            task_dependencies_for(user=user, project=self.project).filter(
                Q(successor_id=task.pk) | Q(predecessor_id=task.pk)
            )
        )
        others = [row for row in rows if row.pk != task.pk]
        context.update(
            task=task,
            may_edit=may_edit,
            predecessors=[link for link in dependencies if link.successor_id == task.pk],
            successors=[link for link in dependencies if link.predecessor_id == task.pk],
            history=task.history.select_related("history_user").order_by("-history_date")[:20],
            task_form=kwargs.get("task_form")
            or (
                task_form(
                    self.project,
                    user,
                    initial=TaskEditForm.initial_for(task),
                    task=task,
                    rows=rows,
                )
                if may_edit
                else None
            ),
            dependency_form=kwargs.get("dependency_form")
            or (DependencyForm(tasks=others) if may_edit else None),
            preview=kwargs.get("preview"),
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Save the task and what its new dates move; with "preview" in the POST, show what
        they would move and keep every value entered, saving nothing."""
        if not can_edit_plan(request.user, self.project):
            raise PermissionDenied
        task = self.get_task()
        form = task_form(self.project, request.user, request.POST, task=task)
        if "preview" in request.POST:
            preview = run_form(
                form,
                lambda data: reschedule_preview_task(
                    actor=request.user,
                    task=task,
                    start_date=data["start_date"],
                    due_date=data["due_date"],
                ),
            )
            return self.render_to_response(
                self.get_context_data(
                    task=task, task_form=form, preview=preview.value if preview else None
                ),
                status=200 if preview else 400,
            )
        done = run_form(
            form,
            lambda data: task_update_with_rescheduling(
                actor=request.user,
                task=task,
                changes=changes_from(form, self.project, request.user, task),
                revision=data.get("revision"),
            ),
        )
        if done:
            moved = [move for move in done.value[1] if not move.is_requested]
            if moved:
                messages.success(
                    request,
                    ngettext(
                        "Task saved; %(count)d other item moved with it.",
                        "Task saved; %(count)d other items moved with it.",
                        len(moved),
                    )
                    % {"count": len(moved)},
                )
            else:
                messages.success(request, _("Task saved."))
            return self.back(task)
        return self.render_to_response(self.get_context_data(task=task, task_form=form), status=400)

    def back(self, task: Task) -> HttpResponse:
        return redirect("projects:task", project_id=self.project.pk, task_id=task.pk)


class TaskPostView(TaskDetailView):
    """POST only, for the PM: one change on a task's page, then back to it with a message (an
    invalid form shows the page again with its errors, 400)."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_edit_plan(request.user, self.project):
            raise PermissionDenied
        return self.change(request, self.get_task())

    def change(self, request: AuthenticatedHttpRequest, task: Task) -> HttpResponse:
        raise NotImplementedError


class TaskDeleteView(TaskPostView):
    def change(self, request: AuthenticatedHttpRequest, task: Task) -> HttpResponse:
        if run_action(
            request,
            lambda: task_delete(actor=request.user, task=task),
            success=_("Task deleted."),
        ):
            return redirect("projects:tasks", project_id=self.project.pk)
        return self.back(task)


class DependencyAddView(TaskPostView):
    def change(self, request: AuthenticatedHttpRequest, task: Task) -> HttpResponse:
        others = [
            row
            for row in task_outline_for(user=request.user, project=self.project, names=True)
            if row.pk != task.pk
        ]
        form = DependencyForm(request.POST, tasks=others)
        if run_form(
            form,
            lambda data: dependency_add(
                actor=request.user,
                predecessor=task_get_for(
                    user=request.user, project=self.project, task_id=data["predecessor"]
                ),
                successor=task,
                kind=data["kind"] or TaskDependency.Kind.FINISH_TO_START,
                lag_days=data["lag_days"] or 0,
            ),
        ):
            messages.success(request, _("Dependency added."))
            return self.back(task)
        return self.render_to_response(
            self.get_context_data(task=task, dependency_form=form), status=400
        )


class DependencyRemoveView(TaskPostView):
    def change(self, request: AuthenticatedHttpRequest, task: Task) -> HttpResponse:
        link = next(
            (
                link
                for link in task_dependencies_for(user=request.user, project=self.project)
                if link.pk == as_int(request.POST.get("dependency"))
                and task.pk in (link.successor_id, link.predecessor_id)
            ),
            None,
        )
        if link is None:
            raise NotFound()
        run_action(
            request,
            lambda: dependency_remove(actor=request.user, dependency=link),
            success=_("Dependency removed."),
        )
        return self.back(task)
