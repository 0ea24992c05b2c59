"""Staff pages for projects themselves: the portfolio list, starting a project, editing it,
archiving and restoring it, and the placeholder of a tab still to come."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from accounts.models import Organization
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_form
from projects.forms.projects import (
    ProjectCopyForm,
    ProjectEditForm,
    ProjectForm,
    ProjectFromPlanForm,
    ProjectFromTemplateForm,
)
from projects.mixins import ProjectPageMixin
from projects.models import HealthStatus, Phase, Project
from projects.selectors import portfolio_client_choices, project_get_for, project_portfolio_for
from projects.selectors.portfolio import PortfolioFilters, project_portfolio_rows
from projects.services import project_create, project_set_archived, project_update
from projects.services.templates import (
    copy_source_choices,
    project_copy,
    project_create_from_template,
    template_get_for,
    template_list_for,
)

# A portfolio page: the rows a PM scans at a glance (the filters and the sort narrow the rest).
PAGE_SIZE = 25


class ProjectListView(StaffPageMixin, TemplateView):
    """My projects: the PM's portfolio, with health and delivery figures, filters and sort."""

    request: AuthenticatedHttpRequest

    template_name = "projects/project_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filters = PortfolioFilters.from_query(self.request.GET.dict())
        rows = project_portfolio_rows(user=self.request.user, filters=filters)
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            page=page,
            projects=page.object_list,
            filters=filters,
            phases=Phase.choices,
            healths=HealthStatus.choices,
            clients=portfolio_client_choices(user=self.request.user),
            page_query=query.urlencode(),
        )
        return context


def _index(value: Any) -> float | None:
    return round(float(value), 2) if value is not None else None


def _project_row(project: Any) -> list[object]:
    """One line of the list (`project` carries the portfolio's annotations)."""
    return [
        project.code,
        project.name,
        project.client.name,
        project.get_phase_display(),
        str(project.health.label),
        project.next_milestone_name or "",
        project.next_milestone_due,
        project.awaiting_client_count,
        project.overdue_count,
        project.overdue_action_item_count,
        project.open_risk_count,
        project.critical_risk_count,
        project.progress,
        _index(project.earned_value.spi),
        _index(project.earned_value.cpi),
    ]


class ProjectListExportView(StaffPageMixin, ExportFormatMixin, View):
    """My projects as CSV or Excel: every project of the list (not one page of it), with its
    filters and sort, and the figures the table shows."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        filters = PortfolioFilters.from_query(request.GET.dict())
        headers = [
            _("Code"),
            _("Project"),
            _("Client"),
            _("Phase"),
            _("Health"),
            _("Next milestone"),
            _("Due date"),
            _("Awaiting client"),
            _("Overdue"),
            _("Overdue actions"),
            _("Open risks"),
            _("Critical risks"),
            _("Progress (%)"),
            _("SPI"),
            _("CPI"),
        ]
        rows = (
            _project_row(project)
            for project in project_portfolio_for(user=request.user, filters=filters)
        )
        return self.export(
            Table(title=_("My projects"), headers=headers, rows=rows),
            name="projects",
            day=local_day(),
        )


def _client_choices() -> list[tuple[int, str]]:
    return list(
        Organization.objects.filter(kind=Organization.Kind.CLIENT)
        .order_by("name")
        .values_list("pk", "name")
    )


class ProjectCreateView(StaffPageMixin, PermissionRequiredMixin, TemplateView):
    """A provider person starts a project for a client and becomes its PM: a blank project, one
    from a template, or a copy of a project they can see (`start`: blank, template, copy; the
    plan's dates move to the new start)."""

    request: AuthenticatedHttpRequest

    permission_required = "projects.add_project"
    template_name = "projects/project_form.html"

    def _start(self) -> str:
        params = self.request.POST if self.request.method == "POST" else self.request.GET
        start = params.get("start", "")
        return start if start in ("template", "copy") else "blank"

    def _plan_form(self, start: str, data: Any = None) -> ProjectFromPlanForm:
        user = self.request.user
        if start == "template":
            return ProjectFromTemplateForm(
                data,
                clients=_client_choices(),
                origins=list(
                    template_list_for(user=user).select_related(None).values_list("pk", "name")
                ),
                initial={"template": self.request.GET.get("template")},
            )
        return ProjectCopyForm(
            data,
            clients=_client_choices(),
            origins=copy_source_choices(user=user),
            initial={"source": self.request.GET.get("source")},
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        start = self._start()
        form = kwargs.get("form")
        if form is None:
            form = (
                ProjectForm(clients=_client_choices())
                if start == "blank"
                else self._plan_form(start)
            )
        context.update(
            form=form,
            start=start,
            starts=[
                ("blank", _("Blank project")),
                ("template", _("From a template")),
                ("copy", _("Copy of a project")),
            ],
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        start = self._start()
        if start == "blank":
            form: ProjectForm | ProjectFromPlanForm = ProjectForm(
                request.POST, clients=_client_choices()
            )
            done = run_form(
                form,
                lambda data: project_create(
                    actor=request.user,
                    client=Organization.objects.get(pk=data["client"]),
                    data=cast("ProjectForm", form).project_data(),
                ),
            )
        else:
            form = self._plan_form(start, request.POST)
            done = run_form(form, lambda data: self._create_from_plan(start, data))
        if done:
            messages.success(request, _("Project created. Add its milestones next."))
            return redirect("projects:plan", project_id=done.value.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def _create_from_plan(self, start: str, data: dict[str, Any]) -> Project:
        user = self.request.user
        values = {
            "actor": user,
            "client": Organization.objects.get(pk=data["client"]),
            "code": data["code"],
            "name": data["name"],
            "start_date": data["start_date"],
        }
        if start == "template":
            template = template_get_for(user=user, template_id=data["template"])
            return project_create_from_template(template=template, **values)
        source = project_get_for(user=user, project_id=data["source"])
        return project_copy(source=source, **values)


class ProjectEditView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The PM edits the project's settings; archiving and restoring post to their own views."""

    request: AuthenticatedHttpRequest

    project_permission = "projects.edit_plan"
    template_name = "projects/project_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ProjectEditForm(
            initial=ProjectEditForm.initial_for(self.project),
            clients=_client_choices(),
            editing=True,
        )
        context["editing"] = True
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ProjectEditForm(
            request.POST,
            initial=ProjectEditForm.initial_for(self.project),
            clients=_client_choices(),
            editing=True,
        )
        if run_form(
            form,
            lambda data: project_update(
                actor=request.user,
                project=self.project,
                data=form.project_data(),
                revision=data["revision"],
            ),
        ):
            messages.success(request, _("Project saved."))
            return redirect("projects:detail", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProjectArchiveView(ProjectEditView):
    """POST only: the PM archives the project (restores it, with `archived = False`)."""

    # A closed project may still be archived (projects.closure).
    writable_when_closed = True
    http_method_names = ["post"]
    archived = True

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        project_set_archived(actor=request.user, project=self.project, archived=self.archived)
        messages.success(
            request,
            _("Project archived.") if self.project.is_archived else _("Project restored."),
        )
        return redirect("projects:detail", project_id=self.project.pk)


class ProjectRestoreView(ProjectArchiveView):
    archived = False


class ProjectPlaceholderView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """A project tab whose capability lands in a later release: says so, in both languages."""

    request: AuthenticatedHttpRequest

    template_name = "projects/placeholder.html"
    tab = ""
    title = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(tab=self.tab, title=self.title)
        return context
