"""Staff pages for projects themselves: the portfolio list, starting a project, editing it,
archiving and restoring it, and the placeholder of a tab still to come."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from accounts.models import Organization
from common.pages import run_form
from projects.forms.projects import ProjectEditForm, ProjectForm
from projects.mixins import ProjectPageMixin
from projects.models import HealthStatus, Phase
from projects.selectors import portfolio_client_choices, project_portfolio_for
from projects.selectors.portfolio import PortfolioFilters
from projects.services import project_create, project_set_archived, project_update

PAGE_SIZE = 50


class ProjectListView(StaffPageMixin, TemplateView):
    """My projects: the PM's portfolio, with health and delivery figures, filters and sort."""

    request: AuthenticatedHttpRequest

    template_name = "projects/project_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filters = PortfolioFilters.from_query(self.request.GET.dict())
        rows = project_portfolio_for(user=self.request.user, filters=filters)
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


def _client_choices() -> list[tuple[int, str]]:
    return list(
        Organization.objects.filter(kind=Organization.Kind.CLIENT)
        .order_by("name")
        .values_list("pk", "name")
    )


class ProjectCreateView(StaffPageMixin, PermissionRequiredMixin, TemplateView):
    """A provider person starts a project for a client and becomes its PM."""

    request: AuthenticatedHttpRequest

    permission_required = "projects.add_project"
    template_name = "projects/project_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ProjectForm(clients=_client_choices())
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ProjectForm(request.POST, clients=_client_choices())
        done = run_form(
            form,
            lambda data: project_create(
                actor=request.user,
                client=Organization.objects.get(pk=data["client"]),
                data=form.project_data(),
            ),
        )
        if done:
            messages.success(request, _("Project created. Add its milestones next."))
            return redirect("projects:plan", project_id=done.value.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


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
