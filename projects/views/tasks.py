"""Staff pages for tasks: the WBS list and board, quick edit (htmx, or a plain POST) and the CSV
export; the helpers that a task's page (projects.views.task_detail) shares."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from accounts.models import User
from common.errors import ApplicationError, NotFound
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_form
from projects.forms.tasks import TaskEditForm, TaskForm, TaskProgressForm
from projects.mixins import ProjectPageMixin
from projects.models import Project, Task
from projects.permissions import can_edit_plan, can_update_task, can_view_internal_items
from projects.selectors import milestone_list_for
from projects.selectors.tasks import (
    TASK_CLIENT_ROLES,
    TASK_TEAM_ROLES,
    TaskFilters,
    TaskOutlineRow,
    task_assignable_people_for,
    task_budget_changes_for,
    task_client_people_for,
    task_form_choices_for,
    task_get_for,
    task_is_summary,
    task_list_for,
    task_outline_for,
    task_rows_for,
    task_rows_in,
    task_team_for,
    task_wbs_numbers,
)
from projects.services.tasks import (
    TaskChanges,
    task_create,
    task_update,
)
from projects.views.base import as_int


def team_choices(project: Project, task: Task | None = None) -> list[tuple[int, str]]:
    """Who may be assigned; plus the task's current assignee if they have left the team, so
    that saving the task does not unassign it by surprise."""
    team = [(m.user_id, m.user.display_name) for m in task_team_for(project=project)]
    if task is not None and task.assignee_id and task.assignee_id not in dict(team):
        team.append((task.assignee_id, task.assignee.display_name))  # type: ignore[union-attr]
    return team


def assignable_choices(
    project: Project, task: Task | None = None
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Who may be assigned a task of the team's and of the client's (one query); plus the task's
    current assignee if they have left, so that saving the task does not unassign it."""
    members = list(task_assignable_people_for(project=project))
    team = [(m.user_id, m.user.display_name) for m in members if m.role in TASK_TEAM_ROLES]
    people = [(m.user_id, m.user.display_name) for m in members if m.role in TASK_CLIENT_ROLES]
    if task is not None and task.assignee_id and task.assignee_id not in dict(team):
        team.append((task.assignee_id, task.assignee.display_name))  # type: ignore[union-attr]
    if (
        task is not None
        and task.owner_side == Task.OwnerSide.CLIENT
        and task.assignee_id
        and task.assignee_id not in dict(people)
    ):
        people.append((task.assignee_id, task.assignee.display_name))  # type: ignore[union-attr]
    return team, people


def task_form(
    project: Project,
    user: User,
    *args: Any,
    rows: Sequence[Task | TaskOutlineRow] | None = None,
    choices: tuple[list[tuple[int, str]], list[tuple[int, str]]] | None = None,
    **kwargs: Any,
) -> TaskForm:
    """The task form; `rows` (task_rows_for or task_outline_for, unfiltered) and `choices`
    (assignable_choices for the same task) when the caller has read them already."""
    task = kwargs.pop("task", None)
    if task is not None:
        # A summary task's dates are disabled fields: a bound form takes them from here.
        kwargs.setdefault("initial", TaskEditForm.initial_for(task))
    if rows is None:
        rows = task_outline_for(user=user, project=project, names=True)
    team, client_people = choices if choices is not None else assignable_choices(project, task)
    if task is None:
        is_summary = False
    elif can_view_internal_items(user, project):
        # `rows` holds every task of the project: the task's subtasks among them.
        is_summary = any(
            row.parent_id == task.pk
            and (
                row.dated
                if isinstance(row, TaskOutlineRow)
                else row.start_date is not None and row.due_date is not None
            )
            for row in rows
        )
    else:
        is_summary = task_is_summary(task=task)
    milestones, budget_changes = task_form_choices_for(user=user, project=project)
    return (TaskForm if task is None else TaskEditForm)(
        *args,
        team=team,
        client_people=client_people,
        budget_changes=budget_changes,
        is_summary=is_summary,
        milestones=milestones,
        # A new task may have any task as its parent (and a large project's rows are made
        # only as they are read); an edited one, any but itself.
        parents=rows if task is None else [row for row in rows if row.pk != task.pk],  # type: ignore[arg-type,misc]
        **kwargs,
    )


def changes_from(
    form: TaskForm, project: Project, user: User, task: Task | None = None
) -> TaskChanges:
    """The form's values as service input: ids become the project's own objects (an id from
    elsewhere is simply not found); the current assignee stays even if they left the team."""
    values = form.cleaned_data
    milestones = {m.pk: m for m in milestone_list_for(user=user, project=project)}
    team = {m.user_id: m.user for m in task_team_for(project=project)}
    team.update({m.user_id: m.user for m in task_client_people_for(project=project)})
    if task is not None and task.assignee is not None:
        team.setdefault(task.assignee.pk, task.assignee)
    parent = None
    if values["parent"]:
        parent = task_list_for(user=user, project=project).filter(pk=values["parent"]).first()
        if parent is None:
            raise NotFound()
    budget_change = None
    if values.get("budget_change"):
        budget_change = (
            task_budget_changes_for(project=project).filter(pk=values["budget_change"]).first()
        )
        if budget_change is None:
            raise NotFound()
    return TaskChanges(
        name=values["name"],
        description=values["description"],
        parent=parent,
        milestone=milestones.get(values["milestone"]) if values["milestone"] else None,
        assignee=team.get(values["assignee"]) if values["assignee"] else None,
        start_date=values["start_date"],
        due_date=values["due_date"],
        estimate_hours=values["estimate_hours"],
        actual_hours=values["actual_hours"] or Decimal(0),
        status=values["status"],
        percent_complete=values["percent_complete"],
        visibility=values["visibility"],
        constraint=values.get("constraint") or "",
        constraint_date=values.get("constraint_date"),
        budget_change=budget_change,
        owner_side=values.get("owner_side")
        or (task.owner_side if task is not None else Task.OwnerSide.TEAM),
        repeat=values.get("repeat") or "",
        repeat_until=values.get("repeat_until"),
    )


def mark_editable(tasks: list[Task], user: User, team: list[tuple[int, str]]) -> None:
    members = dict(team)
    for task in tasks:
        task.may_update = can_update_task(user, task)  # type: ignore[attr-defined]
        task.assignee_left = bool(task.assignee_id and task.assignee_id not in members)  # type: ignore[attr-defined]


TASK_PAGE_SIZE = 100
BOARD_COLUMN_CARDS = 50


class TaskListView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The WBS (or a board by status), filtered by status and assignee; the PM adds tasks."""

    request: AuthenticatedHttpRequest

    template_name = "projects/tasks.html"

    def filters(self) -> TaskFilters:
        filters = TaskFilters()
        status = self.request.GET.get("status", "")
        if status in Task.Status.values:
            filters["status"] = status
        assignee = as_int(self.request.GET.get("assignee"))
        if assignee:
            filters["assignee"] = assignee
        return filters

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        filters = self.filters()
        # The list shows a page of the WBS; the board the first cards of each column, with how
        # many more the list holds: a project of ten thousand tasks is not one page of them.
        # Every task is read as a plain row (order, numbers, counts, the parent choices); only
        # the tasks shown are read in full.
        board = self.request.GET.get("view") == "board"
        # The board shows every task's status; the list reads names and statuses only for a
        # form that lists the tasks as parents (a project of up to LISTED_TASKS_AT_MOST).
        outline = task_outline_for(user=user, project=self.project, filters=filters, names=board)
        choices = assignable_choices(self.project)
        team = choices[0]
        may_edit = can_edit_plan(user, self.project) and not self.project.is_closed
        page = Paginator(outline, TASK_PAGE_SIZE).get_page(self.request.GET.get("page"))
        columns = []
        if board:
            every = list(outline)  # each row made once for the columns
            for value, label in Task.Status.choices:
                column = [row for row in every if row.status == value]
                shown = task_rows_in(
                    user=user, project=self.project, rows=column[:BOARD_COLUMN_CARDS]
                )
                columns.append((value, label, shown, len(column), len(column) - len(shown)))
        else:
            shown = task_rows_in(user=user, project=self.project, rows=list(page.object_list))
            mark_editable(shown, user, team)
            page.object_list = shown  # type: ignore[assignment]
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            page=page,
            page_query=query.urlencode(),
            board=board,
            columns=columns,
            filters=filters,
            statuses=Task.Status.choices,
            team=team,
            may_edit=may_edit,
            task_form=kwargs.get("task_form")
            or (
                task_form(
                    self.project,
                    user,
                    rows=None if any(filters.values()) else outline,
                    choices=choices,
                )
                if may_edit
                else None
            ),
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_edit_plan(request.user, self.project):
            raise PermissionDenied
        form = task_form(self.project, request.user, request.POST)
        if run_form(
            form,
            lambda _data: task_create(
                actor=request.user,
                project=self.project,
                **changes_from(form, self.project, request.user),
            ),
        ):
            messages.success(request, _("Task added."))
            return redirect("projects:tasks", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(task_form=form), status=400)


class TaskQuickEditView(StaffPageMixin, ProjectPageMixin, View):
    """Change a row's status, percent or assignee: htmx gets the row back, a plain form POST
    goes back to the list."""

    request: AuthenticatedHttpRequest

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        task = task_get_for(user=request.user, project=self.project, task_id=kwargs["task_id"])
        if not can_update_task(request.user, task):
            raise PermissionDenied
        team = team_choices(self.project)
        form = TaskProgressForm(request.POST, team=team_choices(self.project, task))
        error = ""
        if form.is_valid():
            changes = TaskChanges()
            for name in ("status", "percent_complete", "actual_hours"):
                if name in request.POST and form.cleaned_data[name] not in (None, ""):
                    changes[name] = form.cleaned_data[name]
            if "assignee" in request.POST and form.cleaned_data["assignee"] != task.assignee_id:
                members = {m.user_id: m.user for m in task_team_for(project=self.project)}
                changes["assignee"] = members.get(form.cleaned_data["assignee"] or 0)
            try:
                task = task_update(actor=request.user, task=task, changes=changes)
            except ApplicationError as failure:
                error = str(failure.message)
        else:
            error = " ".join(
                str(message) for messages_ in form.errors.values() for message in messages_
            )
        if not request.htmx:
            if error:
                messages.error(request, error)
            else:
                messages.success(request, _("Task updated."))
            return redirect("projects:tasks", project_id=self.project.pk)
        row = task_get_for(user=request.user, project=self.project, task_id=task.pk)
        row.wbs = task_wbs_numbers(project=self.project).get(row.pk, "")  # type: ignore[attr-defined]
        row.depth = row.wbs.count(".")  # type: ignore[attr-defined]
        mark_editable([row], request.user, team)
        return render(
            request,
            "projects/_task_row.html",
            {
                "task": row,
                "project": self.project,
                "statuses": Task.Status.choices,
                "team": team,
                "may_edit": can_edit_plan(request.user, self.project),
                "error": error,
            },
        )


class TaskCsvView(StaffPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    """The project's tasks as CSV or Excel, in WBS order (the same scope as the task list)."""

    request: AuthenticatedHttpRequest

    project_permission = "projects.view_internal_items"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rows = (
            (
                task.wbs,  # type: ignore[attr-defined]
                task.name,
                task.get_status_display(),
                task.percent_complete,
                task.assignee.display_name if task.assignee else "",
                task.milestone.name if task.milestone else "",
                task.start_date,
                task.due_date,
                task.estimate_hours,
                task.actual_hours,
                task.get_visibility_display(),
            )
            for task in task_rows_for(user=request.user, project=self.project)
        )
        header = [
            _("WBS"),
            _("Name"),
            _("Status"),
            # xgettext:no-python-format
            _("% complete"),
            _("Assignee"),
            _("Milestone"),
            _("Start"),
            _("Due date"),
            _("Estimate (hours)"),
            _("Actual hours"),
            _("Visibility"),
        ]
        return self.export(
            Table(title=_("Tasks"), headers=header, rows=rows),
            name=f"{self.project.code}-tasks",
            day=local_day(self.project.client.time_zone),
        )
