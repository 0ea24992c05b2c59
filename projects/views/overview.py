"""The project's overview page: its figures at a glance, health with the PM's override,
objectives, summary, scope and people; the PM's changes to objectives and health post to views
of their own."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from accounts.models import User
from common.errors import NotFound
from common.pages import run_action, run_form
from projects.forms.gates import GateRequestForm
from projects.forms.projects import HealthOverrideForm, ObjectiveEditForm, ObjectiveForm
from projects.mixins import ProjectPageMixin
from projects.models import NEXT_PHASE, Objective, Phase, Project
from projects.overview import overview_panels_for
from projects.permissions import can_edit_plan, can_request_phase_gate
from projects.selectors import (
    gate_list_for,
    membership_list_for,
    objective_list_for,
    objectives_read_with,
)
from projects.selectors.portfolio import project_with_glance_get_for
from projects.services import (
    gate_checklist,
    objective_create,
    objective_delete,
    objective_update,
    project_health_override,
    project_health_override_clear,
)
from projects.views.base import as_int
from projects.waits import delay_share_for


class ProjectDetailView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The overview: the portfolio's figures at a glance, health (and the PM's override),
    objectives, summary, scope and people."""

    request: AuthenticatedHttpRequest

    template_name = "projects/project_detail.html"

    def load_project(self, user: User, project_id: int) -> Project:
        # The project with the portfolio's figures and health, which the glance shows.
        return project_with_glance_get_for(user=user, project_id=project_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["gates"] = gate_list_for(user=user, project=self.project)[:10]
        next_phase = NEXT_PHASE.get(self.project.phase)
        # Leaving the closing phase is the closeout page's job, not a gate review.
        has_gate = bool(next_phase and next_phase != Phase.CLOSED and not self.project.is_closed)
        if can_request_phase_gate(user, self.project) and not self.project.is_closed:
            context["gate_form"] = GateRequestForm(items=gate_checklist(self.project))
            context["next_phase_label"] = (
                Phase(next_phase).label if has_gate and next_phase else None
            )
        else:
            # Who may not pass the gate is told who does.
            context["gate_by_pm"] = has_gate
        may_edit = can_edit_plan(user, self.project) and not self.project.is_closed
        objectives = objectives_read_with(self.project)
        failed = kwargs.get("objective_form")
        if may_edit:
            for objective in objectives:
                prefix = f"o{objective.pk}"
                objective.form = (  # type: ignore[attr-defined]
                    failed
                    if failed is not None and failed.prefix == prefix
                    else ObjectiveEditForm(
                        prefix=prefix,
                        initial={
                            "revision": objective.revision,
                            "title": objective.title,
                            "target": objective.target,
                            "status": objective.status,
                        },
                    )
                )
        delay_share = delay_share_for(self.project)
        context.update(
            glance=self.project,
            overview_panels=overview_panels_for(user=user, project=self.project),
            memberships=membership_list_for(user=user, project=self.project),
            may_edit=may_edit,
            objectives=objectives,
            objective_form=(failed if failed is not None and failed.prefix == "new" else None)
            or ObjectiveForm(prefix="new"),
            override_form=kwargs.get("override_form") or HealthOverrideForm(),
            delay_share=delay_share,
            response_days=delay_share.response_days,
            out_of_scope_lines=[
                line.strip() for line in self.project.out_of_scope.splitlines() if line.strip()
            ],
        )
        return context


class OverviewPostView(ProjectDetailView):
    """POST only, for the PM: one change made on the overview. Done, back to the overview with a
    message; an invalid form shows the overview again with its errors (400)."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_edit_plan(request.user, self.project):
            raise PermissionDenied
        return self.change(request)

    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        raise NotImplementedError

    def back(self) -> HttpResponseRedirect:
        return redirect("projects:detail", project_id=self.project.pk)

    def objective(self, request: AuthenticatedHttpRequest) -> Objective:
        """The posted objective, among those of the project the PM sees."""
        objective = (
            objective_list_for(user=request.user, project=self.project)
            .filter(pk=as_int(request.POST.get("objective")))
            .first()
        )
        if objective is None:
            raise NotFound()
        return objective


class HealthOverrideView(OverviewPostView):
    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = HealthOverrideForm(request.POST)
        if run_form(
            form,
            lambda data: project_health_override(actor=request.user, project=self.project, **data),
        ):
            messages.success(request, _("Health set."))
            return self.back()
        return self.render_to_response(self.get_context_data(override_form=form), status=400)


class HealthOverrideClearView(OverviewPostView):
    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        run_action(
            request,
            lambda: project_health_override_clear(actor=request.user, project=self.project),
            success=_("The computed health shows again."),
        )
        return self.back()


class ObjectiveAddView(OverviewPostView):
    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = ObjectiveForm(request.POST, prefix="new")
        if run_form(
            form,
            lambda data: objective_create(actor=request.user, project=self.project, **data),
        ):
            messages.success(request, _("Objective added."))
            return self.back()
        return self.render_to_response(self.get_context_data(objective_form=form), status=400)


class ObjectiveEditView(OverviewPostView):
    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        objective = self.objective(request)
        form = ObjectiveEditForm(request.POST, prefix=f"o{objective.pk}")
        if run_form(
            form, lambda data: objective_update(actor=request.user, objective=objective, **data)
        ):
            messages.success(request, _("Objective saved."))
            return self.back()
        return self.render_to_response(self.get_context_data(objective_form=form), status=400)


class ObjectiveDeleteView(OverviewPostView):
    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        objective = self.objective(request)
        run_action(
            request,
            lambda: objective_delete(actor=request.user, objective=objective),
            success=_("Objective removed."),
        )
        return self.back()
